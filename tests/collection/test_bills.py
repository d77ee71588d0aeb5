"""Submitting Bill XML: all or nothing, versions, identical resubmission, locking, codes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from billxml import parse_bill_xml
from collection.bills import reads
from collection.bills.intake import BillXmlRejected, bill_digest, submit_bill_xml
from collection.bills.models import Bill, BillAccount, BillDocument
from ledger.errors import Conflict
from tests.conftest import SHARED

SAMPLES = SHARED / "research" / "contracts" / "egov-smartcity-suite"
needs_shared = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared (eGov samples, seeds) is not beside the checkout")


@pytest.fixture
def seed() -> bytes:
    """The Bill XML of seed 004 (eGov's collection document)."""
    found = sorted((SHARED / "seeds").glob("004_*.txt"))
    if not found:
        pytest.skip("../shared/seeds is not beside the checkout")
    return re.search(rb"<bill-collect>.*</bill-collect>", found[0].read_bytes(), re.S).group(0)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _bill(ref: str = "531", consumer: str = "01365-2019-HY", amounts=("1000.0", "598", "5"), total="1603",
          service: str = "BPA", glcode: str = "1401202", part_payment: str | None = "0",
          minimum: str = "0") -> bytes:
    accounts = "".join(
        f'<account glCode="{glcode}" order="{n}" description="Head {n}" isActualDemand="1" purpose="OTHERS">'
        f"<crAmount>{a}</crAmount><drAmount>0</drAmount><functionCode>5100</functionCode></account>"
        for n, a in enumerate(amounts, start=1))
    return (f"<bill-collect><serviceCode>{service}</serviceCode><fundCode>01</fundCode>"
            "<functionaryCode>1</functionaryCode><fundSourceCode>01</fundSourceCode>"
            "<departmentCode>REV</departmentCode>"
            + ("" if part_payment is None else f"<partPaymentAllowed>{part_payment}</partPaymentAllowed>")
            + "<collectionModeNotAllowed>bankchallan</collectionModeNotAllowed>"
            "<payees><payee><payeeName>ramana</payeeName><payeeAddress>knjbh</payeeAddress><bills>"
            f'<bill refNo="{ref}" billDate="05/07/2019" consumerCode="{consumer}">'
            f"<totalAmount>{total}</totalAmount><minimumAmount>{minimum}</minimumAmount>"
            f"<accounts>{accounts}</accounts></bill></bills></payee></payees></bill-collect>").encode()


def test_the_seed_bill_is_stored_in_paise_with_its_document(session, tenant, seed):
    result = submit_bill_xml(session, tenant, seed, submitted_by="bpa-system")
    session.commit()
    [stored] = result.bills
    bill = stored.bill
    assert stored.outcome == "created" and result.changed
    assert (bill.consumer_code, bill.ref_no, bill.version, bill.status) == ("01365-2019-HY", "531", 1, "active")
    assert (bill.total_paise, bill.minimum_paise, bill.part_payment_allowed) == (160300, 0, False)
    assert bill.modes_not_allowed == "bankchallan" and bill.collection_type == "F"
    accounts = session.scalars(select(BillAccount).where(BillAccount.bill_id == bill.id)
                               .order_by(BillAccount.line_no)).all()
    assert [(a.order, a.glcode, a.cr_paise) for a in accounts] == [(2, "1401202", 59800), (1, "1401202", 100000),
                                                                    (3, "1401202", 500)]
    doc = session.get(BillDocument, result.document_id)
    assert doc.content == seed and len(doc.sha256) == 64 and doc.submitted_by == "bpa-system"


@needs_shared
@pytest.mark.parametrize("name", ["sample-bill-collect_billingstub-default.xml",
                                  "sample-bill-collect_billingstub-urlencoded.xml"])
def test_real_egov_samples_are_accepted(session, tenant, name):
    result = submit_bill_xml(session, tenant, (SAMPLES / name).read_bytes())
    assert [s.bill.total_paise for s in result.bills] == [40000]


def test_identical_resubmission_returns_the_stored_bill(session, tenant, seed):
    first = submit_bill_xml(session, tenant, seed)
    session.commit()
    again = submit_bill_xml(session, tenant, seed)
    assert [s.outcome for s in again.bills] == ["unchanged"]
    assert again.bills[0].bill.id == first.bills[0].bill.id and again.document_id is None
    assert _count(session, BillDocument) == 1


def test_a_changed_bill_supersedes_the_old_version(session, tenant):
    old = submit_bill_xml(session, tenant, _bill()).bills[0].bill
    session.commit()
    new = submit_bill_xml(session, tenant, _bill(amounts=("1000.0", "600", "5"), total="1605")).bills[0]
    session.commit()
    assert new.outcome == "superseded" and new.bill.version == 2 and new.bill.total_paise == 160500
    session.refresh(old)
    assert (old.status, old.superseded_by_id) == ("superseded", new.bill.id)
    assert _count(session, Bill) == 2


@pytest.mark.parametrize(("service", "flag", "stored", "in_force"), [
    ("BPA", None, None, False),  # BPA bills are paid in full unless they say otherwise
    ("PT", None, None, True),    # PT bills may be paid in part unless they say otherwise
    ("PT", "0", False, False),
    ("BPA", "1", True, True),
])
def test_part_payment_is_the_bills_own_or_else_its_services_default(session, tenant, service, flag, stored,
                                                                     in_force):
    bill_id = submit_bill_xml(session, tenant, _bill(service=service, part_payment=flag)).bills[0].bill.id
    session.commit()
    session.expire_all()
    assert session.get(Bill, bill_id).part_payment_allowed is stored
    assert reads.get_bill(session, tenant, bill_id)["part_payment_allowed"] is in_force
    assert reads.bills_by_id(session, tenant, [bill_id])[0]["part_payment_allowed"] is in_force
    [listed] = reads.search_bills(session, tenant, reads.BillFilter(service=service), 10, 0).items
    assert listed["part_payment_allowed"] is in_force


def test_saying_nothing_about_part_payment_is_another_version_than_saying_no(session, tenant):
    assert submit_bill_xml(session, tenant, _bill(part_payment=None)).bills[0].outcome == "created"
    session.commit()
    again = submit_bill_xml(session, tenant, _bill(part_payment="0")).bills[0]
    assert (again.outcome, again.bill.version, again.bill.part_payment_allowed) == ("superseded", 2, False)


def test_a_minimum_needs_part_payment_from_the_bill_or_its_service(session, tenant):
    """A minimum between 0 and the total says nothing for a bill that can only be paid in full."""
    for service, flag in (("BPA", None), ("PT", "0")):
        with pytest.raises(BillXmlRejected) as exc:
            submit_bill_xml(session, tenant, _bill(service=service, part_payment=flag, minimum="500"))
        assert [d["code"] for d in exc.value.details] == ["MINIMUM_WITHOUT_PART_PAYMENT"]
        session.rollback()
    for service, flag in (("PT", None), ("BPA", "1")):
        bill = submit_bill_xml(session, tenant, _bill(service=service, part_payment=flag, minimum="500")).bills[0]
        assert bill.bill.minimum_paise == 50000


def test_a_bill_with_a_live_receipt_is_locked(session, tenant):
    bill = submit_bill_xml(session, tenant, _bill()).bills[0].bill
    session.execute(update(Bill).where(Bill.id == bill.id).values(live_receipts=1))
    session.commit()
    with pytest.raises(Conflict) as exc:
        submit_bill_xml(session, tenant, _bill(amounts=("1000.0", "600", "5"), total="1605"))
    assert exc.value.code == "BILL_LOCKED"
    session.rollback()
    assert [s.outcome for s in submit_bill_xml(session, tenant, _bill()).bills] == ["unchanged"]


@needs_shared
def test_receipt_action_test_sample_is_rejected_for_its_total(session, tenant):
    """Structurally valid, but 1000.0 is not the 567.9 its accounts add up to (and its codes are test codes)."""
    with pytest.raises(BillXmlRejected) as exc:
        submit_bill_xml(session, tenant, (SAMPLES / "sample-bill-collect_ReceiptActionTest.xml").read_bytes())
    codes = {d["code"] for d in exc.value.details}
    assert "TOTAL_MISMATCH" in codes and "SERVICE_UNKNOWN" in codes
    mismatch = next(d for d in exc.value.details if d["code"] == "TOTAL_MISMATCH")
    assert "1000.00" in mismatch["message"] and "567.90" in mismatch["message"] and mismatch["line"]


def test_a_bad_document_changes_nothing(session, tenant):
    good = _bill(ref="1")
    two_bills = good.replace(b"</bills>", _bill(ref="2", glcode="9999999").split(b"<bills>")[1].split(b"</bills>")[0]
                             + b"</bills>")
    with pytest.raises(BillXmlRejected) as exc:
        submit_bill_xml(session, tenant, two_bills)
    session.rollback()
    assert exc.value.status == 422
    assert any(d["code"] == "GL_UNKNOWN" and "bill[2]" in d["field"] for d in exc.value.details)
    assert _count(session, Bill) == 0 and _count(session, BillDocument) == 0


def test_unknown_service_and_oversized_documents(session, tenant):
    with pytest.raises(BillXmlRejected) as exc:
        submit_bill_xml(session, tenant, _bill(service="NOPE"))
    assert exc.value.details[0]["code"] == "SERVICE_UNKNOWN"
    with pytest.raises(BillXmlRejected) as exc:
        submit_bill_xml(session, tenant, _bill(), max_bytes=100)
    assert exc.value.status == 413 and exc.value.details[0]["code"] == "XML_TOO_LARGE"


def test_the_content_digest_never_changes():
    """Stored bills are recognised by it: another digest would turn identical resubmissions into new versions."""
    model = parse_bill_xml((Path(__file__).resolve().parents[2] / "examples" / "bills" / "property-tax-ward-7.xml").read_bytes())
    assert [bill_digest(model, p, b) for p in model.payees for b in p.bills] == [
        "256e6c5ba3928a243c75ebdb82975dc0031a36bcb888da7ccc18e0d604d061d3",
        "2731836dc7112073b76f61f40af8d6bf15d1f8681b842d89a1e0550a7e935ef3"]
