"""Loading masters: idempotent, updates names and flags, never recodes what postings use."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

import vouchers
from collection.masters import load_masters, parse_masters
from ledger.errors import RasidError, ValidationError
from ledger.models import FinancialYear, GlAccount, Period
from tests.conftest import ROOT, SHARED
from tests.helpers import DAY, cash_receipt

EXAMPLE = yaml.safe_load((ROOT / "examples" / "masters.yaml").read_text())


def _amritsar(data):
    return next(t for t in data["tenants"] if t["code"] == "pb.amritsar")


def test_loading_the_same_file_again_changes_nothing(session):
    report = load_masters(session, parse_masters(EXAMPLE))
    assert not [k for k in report if k[1] != "unchanged"]
    assert report[("accounts", "unchanged")] == len(_amritsar(EXAMPLE)["accounts"])


def test_changed_names_and_flags_are_updated(session, tenant):
    data = copy.deepcopy(EXAMPLE)
    account = next(a for a in _amritsar(data)["accounts"] if a["glcode"] == "1100102")
    account["name"] = "Property Tax - Vacant Land (revised)"
    account["active"] = False
    del _amritsar(data)["funds"][3]  # missing from the file: kept, not deleted
    report = load_masters(session, parse_masters(data))
    assert report[("accounts", "updated")] == 1
    row = session.scalars(select(GlAccount).where(GlAccount.glcode == "1100102")).one()
    assert (row.name, row.active) == ("Property Tax - Vacant Land (revised)", False)
    from ledger.models import Fund
    assert session.scalar(select(func.count()).select_from(Fund)) == 4


def test_used_account_cannot_change_type_or_become_a_group(session, tenant):
    vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100))
    session.commit()
    for change in ({"type": "expense"}, {"postable": False}):
        data = copy.deepcopy(EXAMPLE)
        next(a for a in _amritsar(data)["accounts"] if a["glcode"] == "1100101").update(change)
        with pytest.raises(RasidError) as exc:
            load_masters(session, parse_masters(data))
        session.rollback()
        assert exc.value.code == "MASTER_IN_USE"
        assert "1100101" in exc.value.message
    assert session.scalars(select(GlAccount.type).where(GlAccount.glcode == "1100101")).one() == "income"


def test_financial_years_have_twelve_monthly_periods(session, tenant):
    years = session.scalars(select(FinancialYear.code).where(FinancialYear.tenant_id == tenant)).all()
    assert sorted(years) == ["2025-26", "2026-27", "2027-28"]
    periods = session.scalars(select(Period).join(FinancialYear, FinancialYear.id == Period.financial_year_id)
                              .where(FinancialYear.code == "2026-27").order_by(Period.start_date)).all()
    assert [p.code for p in periods][:2] == ["2026-04", "2026-05"] and periods[-1].code == "2027-03"
    assert str(periods[10].end_date) == "2027-02-28"
    assert all(p.status == "open" for p in periods)


@pytest.mark.parametrize("mutate, field", [
    (lambda d: _amritsar(d)["accounts"][0].update(type="revenue"), "tenants[1].accounts[0].type"),
    (lambda d: _amritsar(d)["bank_accounts"][0].update(ifsc="SBI609"), "tenants[1].bank_accounts[0].ifsc"),
    (lambda d: _amritsar(d).update(colour="blue"), "tenants[1].colour"),
    (lambda d: _amritsar(d)["funds"][0].pop("name"), "tenants[1].funds[0].name"),
])
def test_invalid_file_is_refused_with_the_path(session, mutate, field):
    data = copy.deepcopy(EXAMPLE)
    mutate(data)
    with pytest.raises(ValidationError) as exc:
        parse_masters(data)
    assert exc.value.code == "MASTERS_INVALID"
    assert exc.value.field == field


@pytest.mark.parametrize("mutate, text", [
    (lambda d: _amritsar(d)["accounts"].append({"glcode": "1100109", "name": "x", "type": "income",
                                                "parent": "11777"}), "parent GL code"),
    (lambda d: _amritsar(d)["bank_accounts"][0].update(glcode="1100101"), "detailed asset account"),
    (lambda d: _amritsar(d)["bank_accounts"][0].update(fund="09"), "fund '09'"),
    (lambda d: _amritsar(d)["voucher_numbering"].update(RECEIPT="RV/{seq}"), "{fy}"),
    (lambda d: _amritsar(d).update(financial_years=["2026-28"]), "2026-27"),
    # the longest number this service's series can make does not fit the receipts' number column
    (lambda d: _amritsar(d)["services"][0].update(
        receipt_number_format="Municipal Corporation of Amritsar, Punjab/{prefix}/{fy}/{seq:06d}"),
     "'Municipal Corporation of Amritsar, Punjab/PT/2026-27/99999999'); at most 60 fit"),
    (lambda d: _amritsar(d)["services"][0].update(receipt_template="nonexistent"),
     "no receipt template 'nonexistent'"),
    (lambda d: _amritsar(d)["services"][0].update(gateway_accounts={"BBPS": "1100101"}),
     "clearing account '1100101' for BBPS must be a detailed asset account"),
    (lambda d: _amritsar(d)["services"][1].update(instruments=["cash"], holding_accounts={"cash": "4501001"},
                                                  gateway_accounts={"BBPS": "4501072"}),
     "gateway accounts are for online payments"),
    (lambda d: _amritsar(d)["voucher_numbering"].update(JOURNAL="{fy}/{seq:06d}", PAYMENT="{fy}/{seq:06d}"),
     "JOURNAL and PAYMENT vouchers could both be numbered '2099-00/000001'"),
    (lambda d: _amritsar(d)["voucher_numbering"].update(JOURNAL="JV/{fy}/{seq}", PAYMENT="JV/{fy}/{seq:02d}"),
     "JOURNAL and PAYMENT vouchers could both be numbered 'JV/2099-00/10'"),
    (lambda d: _amritsar(d)["voucher_numbering"].update(JOURNAL="{prefix}/{fy:.2}/{seq:06d}"), "{fy}"),
])
def test_inconsistent_masters_change_nothing(session, mutate, text):
    data = copy.deepcopy(EXAMPLE)
    mutate(data)
    with pytest.raises(ValidationError) as exc:
        load_masters(session, parse_masters(data))
    session.rollback()
    assert text in exc.value.message


SAMPLES = sorted((SHARED / "research" / "contracts" / "egov-smartcity-suite").glob("sample-bill-collect_*.xml"))


@pytest.mark.skipif(not SAMPLES, reason="../shared samples not present")
def test_example_masters_hold_every_code_of_the_real_samples(session, tenant):
    """Every code used by the realistic samples (not ReceiptActionTest's test* placeholders)."""
    from ledger.journal import SEGMENTS

    texts = [p.read_text() for p in SAMPLES if "ReceiptActionTest" not in p.name]
    texts += [re.search(r"<bill-collect>.*</bill-collect>", p.read_text(), re.S).group(0)
              for p in (SHARED / "seeds").glob("004_*.txt")]
    gl_codes = {c for t in texts for c in re.findall(r'glCode="([^"]+)"', t)}
    have = set(session.scalars(select(GlAccount.glcode).where(GlAccount.tenant_id == tenant,
                                                              GlAccount.postable)))
    assert gl_codes and gl_codes <= have
    wanted = {"fund": "fundCode", "function": "functionCode", "functionary": "functionaryCode",
              "department": "departmentCode", "fund_source": "fundSourceCode"}
    for name, model in SEGMENTS:
        codes = {c.strip() for t in texts for c in re.findall(rf"<{wanted[name]}>([^<]+)<", t)}
        have = set(session.scalars(select(model.code).where(model.tenant_id == tenant)))
        assert codes and codes <= have, (name, codes - have)


def test_example_file_path_exists():
    assert Path(ROOT / "examples" / "masters.yaml").is_file()


def test_number_formats_are_stored_in_canonical_form_and_refusals_name_the_field(session, tenant):
    from collection.service_master import Service
    from vouchers.models import VoucherNumberFormat
    data = copy.deepcopy(EXAMPLE)
    _amritsar(data)["services"][0]["receipt_number_format"] = "{MM}/{FY}/{seq:06d}"  # as issue 5 writes it
    _amritsar(data)["voucher_numbering"]["RECEIPT"] = "{PREFIX}/{fy}/{SEQ:06d}"
    load_masters(session, parse_masters(data))
    assert session.scalar(select(Service.receipt_number_format).where(Service.code == "PT")) == "{mm}/{fy}/{seq:06d}"
    assert session.scalar(select(VoucherNumberFormat.format).where(
        VoucherNumberFormat.tenant_id == tenant, VoucherNumberFormat.voucher_type == "RECEIPT")
    ) == "{prefix}/{fy}/{seq:06d}"
    _amritsar(data)["services"][0]["receipt_number_format"] = "{mm}/{fy}/{sequence}"
    with pytest.raises(ValidationError) as exc:
        load_masters(session, parse_masters(data))
    assert exc.value.code == "NUMBER_FORMAT_INVALID"
    assert exc.value.field == "tenants[1].services[0].receipt_number_format"


def test_gateway_accounts_are_replaced_when_given_and_kept_when_absent(session, tenant):
    from collection.master_reads import get_service
    assert get_service(session, tenant, "PT")["gateway_accounts"] == {"BBPS": "4501072"}
    data = copy.deepcopy(EXAMPLE)
    del _amritsar(data)["services"][0]["gateway_accounts"]
    load_masters(session, parse_masters(data))
    assert get_service(session, tenant, "PT")["gateway_accounts"] == {"BBPS": "4501072"}
    _amritsar(data)["services"][0]["gateway_accounts"] = {"sbiepay": "4501071"}
    load_masters(session, parse_masters(data))
    assert get_service(session, tenant, "PT")["gateway_accounts"] == {"SBIEPAY": "4501071"}


def test_a_format_that_would_repeat_a_started_series_numbers_is_refused(session, tenant):
    vouchers.post(session, tenant, "JOURNAL", DAY, cash_receipt(100))  # JV/2026-27/000001, default format
    session.commit()
    data = copy.deepcopy(EXAMPLE)
    _amritsar(data)["voucher_numbering"].update(JOURNAL="J/{fy}/{seq:06d}", PAYMENT="JV/{fy}/{seq:06d}")
    with pytest.raises(ValidationError) as exc:
        load_masters(session, parse_masters(data))
    session.rollback()
    assert exc.value.code == "NUMBER_FORMAT_INVALID"
    assert "in 2026-27, JOURNAL and PAYMENT vouchers could both be numbered 'JV/2026-27/000001'" in exc.value.message


def test_series_that_already_meet_do_not_block_loading(session, tenant):
    """Two started series whose formats meet (set up before the check existed) are the year's
    problem, not the file's: the load that cannot part them is not refused for them."""
    from sqlalchemy import text
    session.execute(text("UPDATE voucher_number_formats SET format = 'X/{fy}/{seq}' "
                         "WHERE tenant_id = :t AND voucher_type = 'JOURNAL'"), {"t": tenant})
    session.execute(text("UPDATE voucher_number_formats SET format = 'X/{fy}/{seq:02d}' "
                         "WHERE tenant_id = :t AND voucher_type = 'PAYMENT'"), {"t": tenant})
    for vtype in ("JOURNAL", "PAYMENT"):
        vouchers.post(session, tenant, vtype, DAY, cash_receipt(100))
    session.commit()
    data = copy.deepcopy(EXAMPLE)
    _amritsar(data)["accounts"][0]["name"] = "Renamed"
    report = load_masters(session, parse_masters(data))  # the example's own formats part them next year
    assert report[("accounts", "updated")] == 1
