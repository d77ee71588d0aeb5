"""An app on this test's fresh database, a clock the test moves, users, clients and tokens.

Users and clients are made with the cheap argon2 profile (``passwords.FAST``)
so that signing in hundreds of times stays quick; the hashes are real argon2id.
"""
from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable

import pytest

import vouchers
from collection.api import create_app
from collection.audit import Actor
from collection.auth import clients, passwords, users
from collection.bills.intake import submit_bill_xml
from collection.masters import load_masters, parse_masters
from collection.receipts import workflow
from collection.receipts.instruments import InstrumentIn
from collection.receipts.payments import BillPayment, PaymentIn, collect
from ledger.db import unit_of_work
from tests.api.requests_table import (
    AMRITSAR,
    AMRITSAR_BILL_ID,
    BILLS_XML,
    RECEIPT_DAY,
    RECEIPT_OWN,
    RECEIPT_SUBMITTED,
    RECEIPT_TO_CANCEL,
    RECEIPT_TO_REJECT,
    RECEIPT_TO_SUBMIT,
    bpa_bill_xml,
    bpa_ref,
)
from tests.helpers import DAY, cash_receipt

PASSWORD = "correct-horse-9"
OTHER = "pb.jalandhar"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Api:
    """The Flask test client plus what the tests keep doing: sign in, call with a token."""

    def __init__(self, app, factory) -> None:
        self.app, self.factory = app, factory
        self.http = app.test_client()
        with unit_of_work(factory) as session:
            new = clients.create_client(session, Actor("test"), "Test counter app",
                                        client_id="test-app", hasher=passwords.FAST)
        self.client_id, self.client_secret = new

    def basic(self, client_id: str | None = None, secret: str | None = None) -> dict:
        raw = f"{client_id or self.client_id}:{secret or self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    def user(self, username: str, roles: Iterable[str], tenant: str = "pb.amritsar",
             networks: Iterable[str] = (), user_type: str = "EMPLOYEE") -> str:
        with unit_of_work(self.factory) as session:
            users.create_user(session, Actor("test"), tenant, username, username.title(), PASSWORD,
                              roles, user_type=user_type, allowed_networks=networks,
                              hasher=passwords.FAST)
        return username

    def token_response(self, username: str, tenant: str = "pb.amritsar", password: str = PASSWORD,
                       ip: str = "127.0.0.1", **extra):
        form = {"grant_type": "password", "username": username, "password": password,
                "tenantId": tenant, "userType": "EMPLOYEE", "scope": "read", **extra}
        return self.http.post("/user/oauth/token", headers=self.basic(), data=form,
                              environ_base={"REMOTE_ADDR": ip})

    def login(self, username: str, tenant: str = "pb.amritsar", **kwargs) -> str:
        response = self.token_response(username, tenant, **kwargs)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["access_token"]

    def call(self, method: str, url: str, token: str | None, ip: str = "127.0.0.1", **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.open(url, method=method, headers=headers,
                              environ_base={"REMOTE_ADDR": ip}, **kwargs)

    def get(self, url: str, token: str | None, **kwargs):
        return self.call("GET", url, token, **kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url, clock):
    app = create_app({"DATABASE_URL": db_url, "CLOCK": clock, "TESTING": True,
                      "ACCESS_TOKEN_EXPIRES_IN": 600, "REFRESH_TOKEN_EXPIRES_IN": 3600,
                      # generous: tests sign in often; the rate-limit tests lower them
                      "LOGIN_LIMIT_PER_USER": 1000, "LOGIN_LIMIT_PER_IP": 1000})
    yield app
    app.extensions["rasid"].engine.dispose()


@pytest.fixture
def api(app) -> Api:
    return Api(app, app.extensions["rasid"].factory)


def jalandhar_masters() -> dict:
    """A second ULB under the same state, with a little of everything."""
    return {"tenants": [
        {"code": "pb", "name": "Department of Local Government, Punjab"},
        {"code": OTHER, "name": "Municipal Corporation Jalandhar", "parent": "pb",
         "financial_years": ["2026-27"],
         "funds": [{"code": "01", "name": "Municipal Fund"}],
         "functions": [{"code": "91", "name": "Property Tax"}],
         "functionaries": [{"code": "999", "name": "Revenue Officer"}],
         "departments": [{"code": "REV", "name": "Revenue"}],
         "fund_sources": [{"code": "01", "name": "Own Sources"}],
         "accounts": [{"glcode": "1100101", "name": "Property Tax", "type": "income"},
                      {"glcode": "4501001", "name": "Cash", "type": "asset",
                       "purpose": "cash_in_hand"},
                      {"glcode": "4502101", "name": "Bank", "type": "asset", "purpose": "bank"}],
         "bank_accounts": [{"code": "PNB-MAIN", "bank": "Punjab National Bank", "branch": "Jalandhar",
                            "account_number": "1234567890", "ifsc": "PUNB0123400", "fund": "01",
                            "glcode": "4502101"}]},
    ]}


@pytest.fixture
def two_ulbs(factory):
    """Amritsar (from the example masters) with two vouchers and two bills, and Jalandhar."""
    with unit_of_work(factory) as session:
        load_masters(session, parse_masters(jalandhar_masters()))
        stored = submit_bill_xml(session, "pb.amritsar", BILLS_XML).bills
        assert stored[0].bill.id == AMRITSAR_BILL_ID
        first = vouchers.post(session, "pb.amritsar", "RECEIPT", DAY, cash_receipt(160300),
                              narration="Property tax, cash", source_ref="BILL-1")
        vouchers.post(session, "pb.amritsar", "CONTRA", DAY,
                      [cash_receipt(100)[0]._replace(glcode="4502101"),
                       cash_receipt(100)[0]._replace(debit=0, credit=100)],
                      narration="Remittance")
        vouchers.post(session, OTHER, "RECEIPT", DAY, cash_receipt(5000), narration="Jalandhar tax")
        example_receipts(session)
    return first


def example_receipts(session) -> None:
    """The receipts the examples name, one per state they need (requests_table.RECEIPT_*).
    Cheques dated in October, so that November's books and cash in hand stay as the ledger
    tests expect them."""
    def pay(ref: str, paise: int, by: str) -> str:
        cheque = InstrumentIn("cheque", paise, number="004512", date=RECEIPT_DAY, bank="Punjab & Sind Bank",
                              branch="Lawrence Road")
        payment = PaymentIn(cheque, [BillPayment(paise, ref_no=ref)], receipt_date=RECEIPT_DAY)
        return collect(session, AMRITSAR, payment, Actor(by), today=DAY).receipts[0].number

    for n in (1, 2, 3):
        submit_bill_xml(session, AMRITSAR, bpa_bill_xml(n))
    counter = "pb.amritsar/counter1"
    made = [pay("PT/2026-27/088813", 10_000_00, f"{AMRITSAR}/only-integrator"),
            pay("PT/2026-27/088813", 10_000_00, counter),
            pay(bpa_ref(1), 16_030_00, counter), pay(bpa_ref(2), 16_030_00, counter),
            pay(bpa_ref(3), 16_030_00, counter)]
    assert made == [RECEIPT_OWN, RECEIPT_TO_CANCEL, RECEIPT_TO_SUBMIT, RECEIPT_SUBMITTED,
                    RECEIPT_TO_REJECT], made
    workflow.submit(session, AMRITSAR, [RECEIPT_SUBMITTED, RECEIPT_TO_REJECT], Actor(counter))
