"""Load masters from a YAML (or JSON) file: ``rasid masters load FILE``.

Loading is an idempotent upsert keyed by codes: the same file twice changes
nothing; a changed file updates names and flags. Nothing is ever deleted (an
entry missing from the file is left as it is), and nothing a posting relies on
is recoded: changing the type of a used account, turning a used account into a
group head, or moving a used bank account to another GL or fund is refused
with ``MASTER_IN_USE``. The whole file loads in one transaction or not at all.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError as PydanticError
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from collection.models import BankAccount
from collection.receipts.models import Receipt
from collection.service_master import (
    DEFAULT_RECEIPT_NUMBER_FORMAT, INSTRUMENT_TYPES, Service, ServiceBouncePenalty, ServiceGatewayAccount,
    ServiceHoldingAccount, gateway_key,
)
from ledger.errors import RasidError, ValidationError
from ledger.journal import SEGMENTS, SeriesSlot
from ledger.money import parse_rupees
from ledger.models import (
    ACCOUNT_PURPOSES, Department, FinancialYear, Functionary, Fund, FundSource, GlAccount, Tenant, Voucher,
    VoucherLine, VoucherSeries,
)
from ledger.periods import ensure_financial_year
from receipt_templates.catalog import has_template
from vouchers.models import VoucherNumberFormat
from vouchers.numbering import DEFAULT_FORMAT as DEFAULT_VOUCHER_FORMAT, check_format, render
from vouchers.types import VOUCHER_TYPES


#: A code as YAML may write it: ``01`` quoted is text, ``1401202`` unquoted is a number.
Text = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SegmentIn(_In):
    code: Text = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    parent: str | None = None


class AccountIn(_In):
    glcode: Text = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    type: Literal["asset", "liability", "income", "expense", "equity"]
    level: Literal["major", "minor", "detailed"] | None = None
    parent: Text | None = None
    postable: bool | None = None
    active: bool = True
    purpose: Literal[ACCOUNT_PURPOSES] | None = None  # type: ignore[valid-type]


class BankAccountIn(_In):
    code: str = Field(min_length=1, max_length=32)
    bank: str = Field(min_length=1, max_length=200)
    branch: str = Field(min_length=1, max_length=200)
    account_number: Text = Field(pattern=r"^[0-9A-Za-z]{6,34}$")
    ifsc: str = Field(pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$")
    account_type: Literal["current", "savings"] = "current"
    fund: Text
    glcode: Text
    active: bool = True


class BouncePenaltyIn(_In):
    """The penalty billed when a cheque or DD of the service bounces: rupees and an income head."""

    amount: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]
    glcode: Text


class ServiceIn(_In):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    fund: Text
    department: Text
    functionary: Text
    fund_source: Text
    instruments: list[Literal[INSTRUMENT_TYPES]] = Field(min_length=1)  # type: ignore[valid-type]
    part_payment: bool = False
    receipt_template: str = "default"
    workflow: Literal["none", "submit-approve"] = "none"
    post_voucher_on: Literal["creation", "approval"] = "creation"
    receipt_number_format: str = DEFAULT_RECEIPT_NUMBER_FORMAT
    advance_glcode: Text | None = None
    holding_accounts: dict[Literal[INSTRUMENT_TYPES], Text]  # type: ignore[valid-type]
    #: online collections per gateway (BBPS, a bank's payment gateway) → its clearing head;
    #: absent: left as they are; given: exactly these
    gateway_accounts: dict[Text, Text] | None = None
    cheque_bounce_penalty: BouncePenaltyIn | None = None


class TenantIn(_In):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=64)
    name: str
    name_local: str | None = None
    parent: str | None = None
    address: str | None = None
    active: bool = True
    financial_years: list[str] = []
    voucher_numbering: dict[str, str] = {}
    funds: list[SegmentIn] = []
    functions: list[SegmentIn] = []
    functionaries: list[SegmentIn] = []
    departments: list[SegmentIn] = []
    fund_sources: list[SegmentIn] = []
    accounts: list[AccountIn] = []
    bank_accounts: list[BankAccountIn] = []
    services: list[ServiceIn] = []


class MastersFile(_In):
    tenants: list[TenantIn]


class LoadReport(Counter):
    """Counts such as ``("accounts", "created")`` → 12; ``by_tenant`` holds each tenant's own."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.by_tenant: dict[str, LoadReport] = {}

    def changes(self) -> dict[str, int]:
        """What was created or updated, as ``{"accounts.updated": 1}``."""
        return {f"{section}.{what}": count for (section, what), count in sorted(self.items())
                if what != "unchanged" and count}

    def summary(self) -> str:
        sections = sorted({section for section, _ in self})
        parts = []
        for section in sections:
            counts = ", ".join(f"{self[(section, what)]} {what}"
                               for what in ("created", "updated", "unchanged") if self[(section, what)])
            parts.append(f"{section}: {counts}")
        return "; ".join(parts)


def read_masters_file(path: str | Path) -> MastersFile:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file", code="MASTERS_FILE_NOT_FOUND") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})",
                              code="MASTERS_INVALID") from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path}: not valid YAML/JSON: {exc}", code="MASTERS_INVALID") from None
    return parse_masters(raw, source=str(path))


def parse_masters(raw: object, *, source: str = "masters") -> MastersFile:
    try:
        masters = MastersFile.model_validate(raw)
    except PydanticError as exc:
        details = [{"code": "MASTERS_INVALID", "field": _path(err["loc"]), "message": err["msg"]}
                   for err in exc.errors()]
        first = details[0]
        raise ValidationError(f"{source}: {first['field']}: {first['message']}"
                              + (f" (and {len(details) - 1} more)" if len(details) > 1 else ""),
                              code="MASTERS_INVALID", field=first["field"], details=details) from None
    _check_unique_codes(masters, source)
    return masters


#: Each section's key: a file naming one twice would load the second over the first, or fail
#: on the database's unique key; it is a mistake in the file, refused with its place.
_KEYS = {"funds": "code", "functions": "code", "functionaries": "code", "departments": "code",
         "fund_sources": "code", "accounts": "glcode", "bank_accounts": "code", "services": "code"}


def _check_unique_codes(masters: MastersFile, source: str) -> None:
    def twice(field: str, code: str) -> ValidationError:
        return ValidationError(f"{source}: {field}: {code!r} is given twice", code="MASTERS_INVALID",
                               field=field)

    tenants: set[str] = set()
    for t, tenant in enumerate(masters.tenants):
        if tenant.code in tenants:
            raise twice(f"tenants[{t}].code", tenant.code)
        tenants.add(tenant.code)
        for section, key in _KEYS.items():
            seen: set[str] = set()
            for i, item in enumerate(getattr(tenant, section)):
                code = getattr(item, key)
                if code in seen:
                    raise twice(f"tenants[{t}].{section}[{i}].{key}", code)
                seen.add(code)


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_masters(session: Session, masters: MastersFile) -> LoadReport:
    """Upsert every tenant of ``masters`` in the session's transaction."""
    report = LoadReport()
    for t_index, tenant in enumerate(masters.tenants):
        where = f"tenants[{t_index}]"
        before = LoadReport(report)
        _load_tenant(session, tenant, report)
        for name, model in SEGMENTS:
            plural = {"fund": "funds", "function": "functions", "functionary": "functionaries",
                      "department": "departments", "fund_source": "fund_sources"}[name]
            _load_segments(session, tenant.code, model, getattr(tenant, plural), plural, report)
        _load_accounts(session, tenant.code, tenant.accounts, f"{where}.accounts", report)
        for code in tenant.financial_years:
            _, created = ensure_financial_year(session, tenant.code, code)
            report[("financial_years", "created" if created else "unchanged")] += 1
        for vtype, fmt in tenant.voucher_numbering.items():
            _load_number_format(session, tenant.code, vtype, fmt, f"{where}.voucher_numbering", report)
        _check_numbers_distinct(session, tenant.code, f"{where}.voucher_numbering")
        _load_bank_accounts(session, tenant.code, tenant.bank_accounts, f"{where}.bank_accounts", report)
        _load_services(session, tenant.code, tenant.services, f"{where}.services", report)
        report.by_tenant[tenant.code] = LoadReport({key: report[key] - before[key] for key in report
                                                    if report[key] != before[key]})
    session.flush()
    return report


def _apply(row, values: dict, report: LoadReport, section: str) -> None:
    report[(section, "updated" if _set(row, values) else "unchanged")] += 1


def _set(row, values: dict) -> bool:
    """Set the values that differ; whether any did."""
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    return bool(changed)


def _load_tenant(session: Session, tenant: TenantIn, report: LoadReport) -> None:
    if tenant.parent and session.get(Tenant, tenant.parent) is None:
        raise ValidationError(f"tenant {tenant.code}: parent tenant {tenant.parent!r} is not defined "
                              "(list the state tenant first)", code="MASTERS_INVALID", field="parent")
    values = {"name": tenant.name, "name_local": tenant.name_local, "parent_id": tenant.parent,
              "address": tenant.address, "active": tenant.active}
    row = session.get(Tenant, tenant.code)
    if row is None:
        session.add(Tenant(id=tenant.code, **values))
        session.flush()
        report[("tenants", "created")] += 1
    else:
        _apply(row, values, report, "tenants")


def _load_segments(session, tenant_id, model, items, section, report) -> None:
    existing = {row.code: row for row in session.scalars(select(model).where(model.tenant_id == tenant_id))}
    for item in items:
        values = {"name": item.name, "active": item.active}
        if hasattr(model, "parent_code"):
            values["parent_code"] = item.parent
        row = existing.get(item.code)
        if row is None:
            session.add(model(tenant_id=tenant_id, code=item.code, **values))
            report[(section, "created")] += 1
        else:
            _apply(row, values, report, section)


def _used(session: Session, column, value: int) -> bool:
    return bool(session.scalar(select(exists().where(column == value))))


def _load_accounts(session, tenant_id, items, where, report) -> None:
    existing = {a.glcode: a for a in session.scalars(select(GlAccount).where(GlAccount.tenant_id == tenant_id))}
    known = set(existing) | {a.glcode for a in items}
    for i, item in enumerate(items):
        if item.parent and item.parent not in known:
            raise ValidationError(f"{where}[{i}]: parent GL code {item.parent!r} of {item.glcode} "
                                  "is not in the chart of accounts", code="MASTERS_INVALID",
                                  field=f"{where}[{i}].parent")
        level = item.level or ("major" if len(item.glcode) <= 3 else
                               "minor" if len(item.glcode) <= 5 else "detailed")
        postable = item.postable if item.postable is not None else level == "detailed"
        values = {"name": item.name, "type": item.type, "level": level, "parent_glcode": item.parent,
                  "postable": postable, "active": item.active, "purpose": item.purpose}
        row = existing.get(item.glcode)
        if row is None:
            session.add(GlAccount(tenant_id=tenant_id, glcode=item.glcode, **values))
            report[("accounts", "created")] += 1
            continue
        recoding = (row.type != item.type) or (row.postable and not postable)
        if recoding and _used(session, VoucherLine.gl_account_id, row.id):
            raise RasidError(f"{where}[{i}]: GL code {item.glcode} is used by postings; its type "
                             "cannot change and it cannot become a group head", code="MASTER_IN_USE",
                             status=409, field=f"{where}[{i}]")
        _apply(row, values, report, "accounts")


def _load_number_format(session, tenant_id, vtype, fmt, where, report) -> None:
    if vtype not in VOUCHER_TYPES:
        raise ValidationError(f"{where}: unknown voucher type {vtype!r}; one of {sorted(VOUCHER_TYPES)}",
                              code="MASTERS_INVALID", field=f"{where}.{vtype}")
    fmt = check_format(fmt, prefix=VOUCHER_TYPES[vtype].prefix, max_length=Voucher.number.type.length,
                       field=f"{where}.{vtype}")
    row = session.get(VoucherNumberFormat, (tenant_id, vtype))
    if row is None:
        session.add(VoucherNumberFormat(tenant_id=tenant_id, voucher_type=vtype, format=fmt))
        report[("voucher_numbering", "created")] += 1
    else:
        _apply(row, {"format": fmt}, report, "voucher_numbering")


def _check_numbers_distinct(session, tenant_id: str, where: str) -> None:
    """Two voucher types whose formats can make the same number could never both post (numbers
    are unique per tenant): refuse formats that meet, in a year whose series have started (each
    keeps the format it started with) or in a new one. Numbers are compared over every month and
    a spread of sequence numbers, which catches ``{seq}`` against ``{seq:02d}`` or ``1{seq}``."""
    session.flush()
    configured = dict(session.execute(select(VoucherNumberFormat.voucher_type, VoucherNumberFormat.format)
                                      .where(VoucherNumberFormat.tenant_id == tenant_id)).all())
    started = {(fy, vtype): fmt for vtype, fy, fmt in session.execute(
        select(VoucherSeries.voucher_type, FinancialYear.code, VoucherSeries.number_format)
        .join(FinancialYear, FinancialYear.id == VoucherSeries.financial_year_id)
        .where(VoucherSeries.tenant_id == tenant_id))}
    for fy in sorted({fy for fy, _ in started}) + [_NEW_YEAR]:
        months = [dt.date(int(fy[:4]) + (month < 4), month, 1) for month in range(1, 13)]
        made: dict[str, tuple[str, bool]] = {}  # number → (type, whether its format is the configured one)
        for vtype in VOUCHER_TYPES:
            configurable = (fy, vtype) not in started
            fmt = configured.get(vtype, DEFAULT_VOUCHER_FORMAT) if configurable else started[(fy, vtype)]
            days = months if "{mm" in fmt else months[3:4]
            for number in (render(fmt, SeriesSlot(tenant_id, vtype, fy, seq, day))
                           for seq in _SEQ_SAMPLE for day in days):
                other, other_configurable = made.get(number, (vtype, False))
                # two started series that already meet are not this file's doing: no load could part them
                if other != vtype and (configurable or other_configurable):
                    year = "a new financial year" if fy == _NEW_YEAR else fy
                    raise ValidationError(f"{where}: in {year}, {other} and {vtype} vouchers could both "
                                          f"be numbered {number!r}; give each type its own format (e.g. with "
                                          "{prefix})", code="NUMBER_FORMAT_INVALID", field=f"{where}.{vtype}")
                made[number] = (vtype, configurable)


_NEW_YEAR = "2099-00"  #: stands for a year whose series have not started
_SEQ_SAMPLE = (*range(1, 121), *(n + d for n in (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
                                  for d in (-1, 0, 1)))


def _load_bank_accounts(session, tenant_id, items, where, report) -> None:
    session.flush()
    funds = {f.code: f.id for f in session.scalars(select(Fund).where(Fund.tenant_id == tenant_id))}
    accounts = {a.glcode: a for a in session.scalars(select(GlAccount).where(GlAccount.tenant_id == tenant_id))}
    existing = {b.code: b for b in session.scalars(select(BankAccount).where(BankAccount.tenant_id == tenant_id))}
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if item.fund not in funds:
            raise ValidationError(f"{here}: fund {item.fund!r} is not defined", code="MASTERS_INVALID",
                                  field=f"{here}.fund")
        gl = accounts.get(item.glcode)
        if gl is None or gl.type != "asset" or not gl.postable:
            raise ValidationError(f"{here}: GL code {item.glcode!r} must be a detailed asset account "
                                  "(the bank's own head)", code="MASTERS_INVALID", field=f"{here}.glcode")
        values = {"bank_name": item.bank, "branch_name": item.branch,
                  "account_number": item.account_number, "ifsc": item.ifsc,
                  "account_type": item.account_type, "fund_id": funds[item.fund],
                  "gl_account_id": gl.id, "active": item.active}
        row = existing.get(item.code)
        if row is None:
            session.add(BankAccount(tenant_id=tenant_id, code=item.code, **values))
            report[("bank_accounts", "created")] += 1
            continue
        moved = row.gl_account_id != gl.id or row.fund_id != funds[item.fund]
        if moved and _used(session, VoucherLine.gl_account_id, row.gl_account_id):
            raise RasidError(f"{here}: bank account {item.code} has postings; its GL code and fund "
                             "cannot change", code="MASTER_IN_USE", status=409, field=here)
        _apply(row, values, report, "bank_accounts")


def _load_services(session, tenant_id, items, where, report) -> None:
    session.flush()

    def codes(model) -> dict[str, int]:
        return {code: id_ for code, id_ in session.execute(
            select(model.code, model.id).where(model.tenant_id == tenant_id))}

    segments = {"fund": codes(Fund), "department": codes(Department),
                "functionary": codes(Functionary), "fund_source": codes(FundSource)}
    accounts = {a.glcode: a for a in session.scalars(select(GlAccount).where(GlAccount.tenant_id == tenant_id))}
    existing = {s.code: s for s in session.scalars(select(Service).where(Service.tenant_id == tenant_id))}
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        ids = {}
        for name, known in segments.items():
            code = getattr(item, name)
            if code not in known:
                raise ValidationError(f"{here}: {name.replace('_', ' ')} {code!r} is not defined",
                                      code="MASTERS_INVALID", field=f"{here}.{name}")
            ids[f"{name}_id"] = known[code]
        number_format = check_format(item.receipt_number_format, prefix=item.code,
                                     max_length=Receipt.number.type.length,
                                     field=f"{here}.receipt_number_format")
        _check_template(item.receipt_template, f"{here}.receipt_template")
        missing = [t for t in item.instruments if t not in item.holding_accounts]
        if missing:
            raise ValidationError(f"{here}: no holding account for {', '.join(missing)}",
                                  code="MASTERS_INVALID", field=f"{here}.holding_accounts")
        holding = {}
        for instrument, glcode in item.holding_accounts.items():
            gl = accounts.get(glcode)
            if gl is None or gl.type != "asset" or not gl.postable:
                raise ValidationError(f"{here}: holding account {glcode!r} for {instrument} must be a "
                                      "detailed asset account", code="MASTERS_INVALID",
                                      field=f"{here}.holding_accounts.{instrument}")
            holding[instrument] = gl.id
        gateways = _gateway_accounts(item, accounts, here)
        advance = None
        if item.advance_glcode:
            gl = accounts.get(item.advance_glcode)
            if gl is None or gl.type != "liability" or not gl.postable:
                raise ValidationError(f"{here}: advance account {item.advance_glcode!r} must be a detailed "
                                      "liability account", code="MASTERS_INVALID",
                                      field=f"{here}.advance_glcode")
            advance = gl.id
        values = {"name": item.name, "active": item.active, **ids,
                  "instruments": ",".join(item.instruments), "part_payment_default": item.part_payment,
                  "receipt_template": item.receipt_template, "workflow": item.workflow,
                  "post_voucher_on": item.post_voucher_on,
                  "receipt_number_format": number_format, "advance_gl_account_id": advance}
        penalty = _bounce_penalty(item, accounts, here)
        row = existing.get(item.code)
        created = row is None
        if created:
            row = Service(tenant_id=tenant_id, code=item.code, **values)
            session.add(row)
            session.flush()
        changed = _set(row, values)
        current = {h.instrument_type: h for h in session.scalars(
            select(ServiceHoldingAccount).where(ServiceHoldingAccount.service_id == row.id))}
        for instrument, gl_id in holding.items():
            if instrument not in current:
                session.add(ServiceHoldingAccount(tenant_id=tenant_id, service_id=row.id,
                                                  instrument_type=instrument, gl_account_id=gl_id))
                changed = True
            else:
                changed |= _set(current[instrument], {"gl_account_id": gl_id})
        if gateways is not None:
            changed |= _keep_gateway_accounts(session, tenant_id, row.id, gateways)
        if penalty is not None:  # absent from the file: left as it is, like everything else
            kept = session.get(ServiceBouncePenalty, (tenant_id, row.id))
            if kept is None:
                session.add(ServiceBouncePenalty(tenant_id=tenant_id, service_id=row.id, **penalty))
                changed = True
            else:
                changed |= _set(kept, penalty)
        report[("services", "created" if created else "updated" if changed else "unchanged")] += 1


def _gateway_accounts(item: ServiceIn, accounts: dict, here: str) -> dict[str, int] | None:
    """The service's clearing head per payment gateway (by ``gateway_key``), or None to keep them."""
    if item.gateway_accounts is None:
        return None
    where = f"{here}.gateway_accounts"
    if item.gateway_accounts and "online" not in item.instruments:
        raise ValidationError(f"{where}: gateway accounts are for online payments, which the service "
                              "does not accept", code="MASTERS_INVALID", field=where)
    found: dict[str, int] = {}
    for gateway, glcode in item.gateway_accounts.items():
        key = gateway_key(gateway)
        if not key or len(key) > 64 or key in found:
            raise ValidationError(f"{where}: gateway {gateway!r} is blank, too long or given twice",
                                  code="MASTERS_INVALID", field=f"{where}.{gateway}")
        gl = accounts.get(glcode)
        if gl is None or gl.type != "asset" or not gl.postable:
            raise ValidationError(f"{where}: clearing account {glcode!r} for {gateway} must be a detailed "
                                  "asset account", code="MASTERS_INVALID", field=f"{where}.{gateway}")
        found[key] = gl.id
    return found


def _keep_gateway_accounts(session: Session, tenant_id: str, service_id: int, gateways: dict[str, int]) -> bool:
    """Make the service's gateway accounts exactly ``gateways`` (a mapping, not a posting: safe to
    drop); whether anything changed."""
    current = {g.gateway: g for g in session.scalars(
        select(ServiceGatewayAccount).where(ServiceGatewayAccount.service_id == service_id))}
    changed = False
    for gateway, row in current.items():
        if gateway not in gateways:
            session.delete(row)
            changed = True
    for gateway, gl_id in gateways.items():
        if gateway in current:
            changed |= _set(current[gateway], {"gl_account_id": gl_id})
        else:
            session.add(ServiceGatewayAccount(tenant_id=tenant_id, service_id=service_id, gateway=gateway,
                                              gl_account_id=gl_id))
            changed = True
    return changed


def _check_template(name: str, field: str) -> None:
    """A service prints its receipts with ``name``: refuse one that is not on the template path."""
    try:
        found = has_template(name)
    except FileNotFoundError as exc:  # RASID_RECEIPT_TEMPLATES names a missing folder
        raise ValidationError(str(exc), code="RECEIPT_TEMPLATE_UNKNOWN", field=field) from None
    if not found:
        raise ValidationError(f"{field}: there is no receipt template {name!r} (`rasid templates list` "
                              "shows them; a tenant's own live in $RASID_RECEIPT_TEMPLATES)",
                              code="RECEIPT_TEMPLATE_UNKNOWN", field=field)


def _bounce_penalty(item: ServiceIn, accounts: dict, here: str) -> dict | None:
    """The service's cheque-bounce penalty: paise and a detailed income head, or None."""
    penalty = item.cheque_bounce_penalty
    if penalty is None:
        return None
    where = f"{here}.cheque_bounce_penalty"
    try:
        paise = parse_rupees(penalty.amount, field=f"{where}.amount")
    except ValidationError as exc:
        raise ValidationError(f"{where}.amount: {exc.message}", code="MASTERS_INVALID",
                              field=f"{where}.amount") from None
    if paise <= 0:
        raise ValidationError(f"{where}.amount: the penalty must be more than zero", code="MASTERS_INVALID",
                              field=f"{where}.amount")
    gl = accounts.get(penalty.glcode)
    if gl is None or gl.type != "income" or not gl.postable:
        raise ValidationError(f"{where}: penalty account {penalty.glcode!r} must be a detailed income "
                              "account", code="MASTERS_INVALID", field=f"{where}.glcode")
    return {"amount_paise": paise, "gl_account_id": gl.id}
