"""Matching statement lines to what the books say: credits to remittances, debits to dishonours.

A credit confirms a remittance, or a part of it: banks credit a pay-in slip whole (``ALL``),
or its cash the same day and its cheques after clearing (``CASH``, ``CHEQUES``); a bank that
credits only the cheques that cleared credits the slip net of its dishonoured cheques
(``NET_ALL``, ``NET_CHEQUES``); a bank that credits each cheque as it clears credits them one
by one (``CHEQUE``: the line names the instrument). A debit is a returned cheque, matched to
its dishonour.

Automatic matching needs the amount and the date window (a credit on or up to ``window``
days after the pay-in date; a debit within ``window`` days of the dishonour), and then either
the slip (or cheque) number in the line's reference or description, or being the only
candidate both ways. A credit that fits no part of a slip is tried against the slips'
deposited cheques, by the cheque's amount and number, by the same rules. Anything else
waits for a person: ``match_line`` (also to one cheque, or to a voucher that
booked the line otherwise, such as bank charges) and ``unmatch_line``.

A remittance whose parts are all confirmed is RECONCILED, and so are its cheques and DDs once
their part (or their own credit) is; unmatching undoes both. Lock order: remittances by id,
then statement lines.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor, utcnow
from collection.bank.models import CREDIT, DEBIT, BankStatementLine
from collection.models import BankAccount
from collection.receipts.models import DEPOSITED, DISHONOURED, Instrument
from collection.receipts.models import RECONCILED as INSTRUMENT_RECONCILED
from collection.remittance.models import (
    CASH_TYPES,
    CHEQUE_TYPES,
    RECONCILED,
    REMITTED,
    REVERSED,
    Dishonour,
    Remittance,
    RemittanceItem,
)
from ledger.db import expire_loaded, tenant_row
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.models import GlAccount, Voucher, VoucherLine

WINDOW_DAYS = 10
NET_PARTS = frozenset({"NET_ALL", "NET_CHEQUES"})
PREFERENCE = ("ALL", "NET_ALL", "CHEQUES", "NET_CHEQUES", "CASH")
CHEQUE_PARTS = frozenset({"CHEQUES", "NET_CHEQUES"})
#: One cheque or DD of a slip, credited by itself (the line's ``instrument_id`` names it).
CHEQUE = "CHEQUE"


class MatchReport(NamedTuple):
    remittance_lines: int
    dishonour_lines: int
    unmatched: int


# -- the rules, on plain values ---------------------------------------------------------------

def open_parts(cash: int, cheque: int, matched: set[str], dishonoured: int) -> dict[str, int]:
    """The amounts a credit may still confirm of a remittance, by part."""
    if matched & {"ALL", "NET_ALL"}:
        return {}
    parts: dict[str, int] = {}
    if not matched:
        parts["ALL"] = cash + cheque
        if dishonoured:
            parts["NET_ALL"] = cash + cheque - dishonoured
    if cash and cheque:
        if "CASH" not in matched:
            parts["CASH"] = cash
        if not matched & (CHEQUE_PARTS | {CHEQUE}):
            parts["CHEQUES"] = cheque
            if dishonoured:
                parts["NET_CHEQUES"] = cheque - dishonoured
    return {part: amount for part, amount in parts.items() if amount > 0}


def covered(cash: int, cheque: int, matched: set[str], dishonoured: int = 0,
            cheques_open: int | None = None) -> bool:
    """Has the bank confirmed all of it (cheques that all bounced need no credit)?

    ``cheques_open``: how many of its cheques, credited one by one, neither have their credit
    nor bounced (None: unknown, so not all).
    """
    if matched & {"ALL", "NET_ALL"}:
        return True
    cheques_done = (cheque == dishonoured or bool(matched & CHEQUE_PARTS)
                    or (CHEQUE in matched and cheques_open == 0))
    return (not cash or "CASH" in matched) and cheques_done


def widest(choices: list[tuple]) -> list[tuple]:
    """Parts of one remittance that fit the same credit (cash equal to the slip net of its
    bounced cheques): the one that confirms most."""
    if len({id(r) for r, _ in choices}) == 1:
        return [min(choices, key=lambda c: PREFERENCE.index(c[1]))]
    return choices


def mentions(line: BankStatementLine, token: str | None) -> bool:
    """Does the line quote ``token`` (a slip or cheque number) as a whole word?"""
    if not token:
        return False
    pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(token)}(?![0-9A-Za-z])", re.IGNORECASE)
    return any(pattern.search(text) for text in (line.reference or "", line.description or ""))


# -- automatic matching -----------------------------------------------------------------------

def auto_match(session: Session, tenant_id: str, bank: BankAccount, actor: Actor | None = None, *,
               window: int = WINDOW_DAYS) -> MatchReport:
    """Match every unmatched line of ``bank`` that the rules tie to one remittance or dishonour."""
    lines = list(session.scalars(select(BankStatementLine).where(
        BankStatementLine.tenant_id == tenant_id, BankStatementLine.bank_account_id == bank.id,
        BankStatementLine.remittance_id.is_(None), BankStatementLine.dishonour_id.is_(None),
        BankStatementLine.voucher_id.is_(None)).order_by(BankStatementLine.txn_date, BankStatementLine.id)))
    if not lines:
        return MatchReport(0, 0, 0)
    span = (min(x.txn_date for x in lines) - dt.timedelta(days=window),
            max(x.txn_date for x in lines) + dt.timedelta(days=window))
    credits = [x for x in lines if x.direction == CREDIT]
    debits = [x for x in lines if x.direction == DEBIT]
    slips = _slips(session, tenant_id, bank, span) if credits else _Slips([], defaultdict(set))
    remittances = _match_credits(session, slips, credits, window)
    remittances += _match_cheques(session, slips, credits, window)
    dishonours = _match_debits(session, tenant_id, bank, debits, span, window)
    session.flush()
    for remittance in {r.id: r for r in remittances}.values():
        refresh(session, remittance)
    unmatched = sum(1 for x in lines if x.remittance_id is None and x.dishonour_id is None)
    if actor is not None and (remittances or dishonours):
        audit.record(session, actor, "bank_statement.match", tenant_id=tenant_id, entity_type="bank_account",
                     entity_id=bank.code, after={"remittance_lines": len(lines) - unmatched - dishonours,
                                                 "dishonour_lines": dishonours})
    return MatchReport(len(lines) - unmatched - dishonours, dishonours, unmatched)


class _Slips(NamedTuple):
    """The remittances a statement's credits may confirm, locked, and the parts of each that
    lines already confirm (kept up to date as credits are matched)."""

    remittances: list[Remittance]
    matched: defaultdict[int, set[str]]


def _slips(session: Session, tenant_id: str, bank: BankAccount, span) -> _Slips:
    remittances = list(session.scalars(
        select(Remittance).where(Remittance.tenant_id == tenant_id, Remittance.bank_account_id == bank.id,
                                 Remittance.status == REMITTED, Remittance.pay_in_date >= span[0],
                                 Remittance.pay_in_date <= span[1])
        .order_by(Remittance.id).with_for_update().execution_options(populate_existing=True)))
    matched: defaultdict[int, set[str]] = defaultdict(set)
    if remittances:
        for rid, part in session.execute(select(BankStatementLine.remittance_id, BankStatementLine.match_part)
                                         .where(BankStatementLine.remittance_id.in_([r.id for r in remittances]))):
            matched[rid].add(part)
    return _Slips(remittances, matched)


def _match_credits(session, slips: _Slips, credits, window) -> list[Remittance]:
    remittances, matched = slips
    if not credits or not remittances:
        return []
    dishonoured = _dishonoured(session, [r.id for r in remittances])
    touched: dict[int, Remittance] = {}

    def candidates(line):
        out = []
        for r in remittances:
            if not r.pay_in_date <= line.txn_date <= r.pay_in_date + dt.timedelta(days=window):
                continue
            for part, amount in open_parts(r.cash_paise, r.cheque_paise, matched[r.id],
                                           dishonoured.get(r.id, 0)).items():
                if amount == line.amount_paise:
                    out.append((r, part))
        return out

    for line in credits:
        choice = _choose(line, widest(candidates(line)), lambda c: c[0].pay_in_slip, credits, candidates,
                         lambda other: other.remittance_id is None)
        if choice is None:
            continue
        remittance, part = choice
        _set(line, remittance_id=remittance.id, match_part=part, matched_by="auto")
        matched[remittance.id].add(part)
        touched[remittance.id] = remittance
    return list(touched.values())


def _match_cheques(session, slips: _Slips, credits, window) -> list[Remittance]:
    """Credits left over, one per cheque: each to a deposited cheque of a slip of the window."""
    left = [x for x in credits if x.remittance_id is None]
    if not left or not slips.remittances:
        return []
    remittances = {r.id: r for r in slips.remittances}
    matched = slips.matched
    credited = select(BankStatementLine.instrument_id).where(BankStatementLine.instrument_id.is_not(None))
    cheques = [(remittances[rid], iid, number, amount) for rid, iid, number, amount in session.execute(
        select(RemittanceItem.remittance_id, Instrument.id, Instrument.number, Instrument.amount_paise)
        .join(Instrument, Instrument.id == RemittanceItem.instrument_id)
        .where(RemittanceItem.remittance_id.in_(list(remittances)), RemittanceItem.instrument_type.in_(CHEQUE_TYPES),
               Instrument.status == DEPOSITED, Instrument.id.not_in(credited))
        .distinct().order_by(RemittanceItem.remittance_id, Instrument.id))
        if not matched[rid] & ({"ALL", "NET_ALL"} | CHEQUE_PARTS)]
    taken: set[int] = set()
    touched: dict[int, Remittance] = {}

    def candidates(line):
        return [c for c in cheques if c[1] not in taken and c[3] == line.amount_paise
                and c[0].pay_in_date <= line.txn_date <= c[0].pay_in_date + dt.timedelta(days=window)]

    for line in left:
        choice = _choose(line, candidates(line), lambda c: c[2], left, candidates,
                         lambda other: other.remittance_id is None)
        if choice is None:
            continue
        remittance, instrument_id = choice[0], choice[1]
        _set(line, remittance_id=remittance.id, match_part=CHEQUE, instrument_id=instrument_id, matched_by="auto")
        taken.add(instrument_id)
        touched[remittance.id] = remittance
    return list(touched.values())


def _choose(line, found, reference, lines, candidates, unmatched):
    """What ``line`` is matched to automatically, of the candidates ``found`` for it: the one
    whose reference (slip, cheque number) the line mentions; else the only candidate, when no
    other unmatched line of ``lines`` could take it too; else nothing (left for a person)."""
    strong = [c for c in found if mentions(line, reference(c))]
    if len(strong) == 1:
        return strong[0]
    if not strong and len(found) == 1 and not any(
            other is not line and unmatched(other) and found[0] in candidates(other) for other in lines):
        return found[0]
    return None


def _dishonoured(session: Session, remittance_ids: list[int]) -> dict[int, int]:
    return {rid: int(total) for rid, total in session.execute(
        select(Dishonour.remittance_id, func.sum(Dishonour.amount_paise))
        .where(Dishonour.remittance_id.in_(remittance_ids)).group_by(Dishonour.remittance_id))}


def _match_debits(session, tenant_id, bank, debits, span, window) -> int:
    if not debits:
        return 0
    settled = select(BankStatementLine.dishonour_id).where(BankStatementLine.dishonour_id.is_not(None))
    netted = select(BankStatementLine.remittance_id).where(BankStatementLine.match_part.in_(NET_PARTS))
    open_ = session.execute(
        select(Dishonour, Instrument.number).join(Instrument, Instrument.id == Dishonour.instrument_id)
        .where(Dishonour.tenant_id == tenant_id, Dishonour.bank_account_id == bank.id,
               Dishonour.dishonour_date >= span[0], Dishonour.dishonour_date <= span[1],
               Dishonour.id.not_in(settled), Dishonour.remittance_id.not_in(netted))).all()
    done: set[int] = set()

    def candidates(line):
        return [(d, number) for d, number in open_ if d.id not in done and d.amount_paise == line.amount_paise
                and abs((line.txn_date - d.dishonour_date).days) <= window]

    count = 0
    for line in debits:
        choice = _choose(line, candidates(line), lambda c: c[1], debits, candidates,
                         lambda other: other.dishonour_id is None)
        if choice is None:
            continue
        _set(line, dishonour_id=choice[0].id, matched_by="auto")
        done.add(choice[0].id)
        count += 1
    return count


def _set(line: BankStatementLine, *, remittance_id=None, match_part=None, instrument_id=None, dishonour_id=None,
         voucher_id=None, matched_by: str | None) -> None:
    line.remittance_id, line.match_part, line.instrument_id, line.dishonour_id, line.voucher_id = (
        remittance_id, match_part, instrument_id, dishonour_id, voucher_id)
    line.matched_by = matched_by
    line.matched_at = utcnow() if matched_by else None


def refresh(session: Session, remittance: Remittance) -> None:
    """Status of a remittance and its cheques from the lines that confirm it."""
    if remittance.status == REVERSED:
        return
    parts = set(session.scalars(select(BankStatementLine.match_part)
                                .where(BankStatementLine.remittance_id == remittance.id)))
    i = Instrument.__table__.c
    cheques = select(RemittanceItem.instrument_id).where(RemittanceItem.remittance_id == remittance.id,
                                                         RemittanceItem.instrument_type.not_in(CASH_TYPES))
    credited = select(BankStatementLine.instrument_id).where(BankStatementLine.remittance_id == remittance.id,
                                                             BankStatementLine.instrument_id.is_not(None))
    cheques_open = None
    if CHEQUE in parts:
        cheques_open = session.scalar(select(func.count(func.distinct(i.id))).where(
            i.id.in_(cheques), i.status != DISHONOURED, i.id.not_in(credited)))
    done = covered(remittance.cash_paise, remittance.cheque_paise, parts,
                   _dishonoured(session, [remittance.id]).get(remittance.id, 0), cheques_open)
    remittance.status = RECONCILED if done else REMITTED
    if done or parts & CHEQUE_PARTS:  # all its cheques confirmed at once
        status = literal(INSTRUMENT_RECONCILED)
    else:                             # those with a credit of their own, if any
        status = case((i.id.in_(credited), INSTRUMENT_RECONCILED), else_=DEPOSITED)
    session.connection().execute(update(Instrument.__table__)
                                 .where(i.id.in_(cheques), i.status.in_((DEPOSITED, INSTRUMENT_RECONCILED)))
                                 .values(status=status))
    expire_loaded(session, Instrument)


# -- by hand ------------------------------------------------------------------------------------

def get_line(session: Session, tenant_id: str, line_id: int, *, lock: bool = False) -> BankStatementLine:
    line = tenant_row(session, BankStatementLine, tenant_id, line_id, lock=lock)
    if line is None:
        raise NotFound(f"no statement line {line_id} in {tenant_id}", code="STATEMENT_LINE_NOT_FOUND")
    return line


def match_line(session: Session, tenant_id: str, line_id: int, actor: Actor, *, remittance_id: int | None = None,
               part: str | None = None, instrument_id: int | None = None, dishonour_id: int | None = None,
               voucher_number: str | None = None) -> BankStatementLine:
    """Match one line by hand to a remittance (and part), one deposited cheque or DD, a
    dishonour, or a voucher."""
    if sum(x is not None for x in (remittance_id, instrument_id, dishonour_id, voucher_number)) != 1:
        raise ValidationError("match a line to one remittance, cheque, dishonour or voucher",
                              code="MATCH_TARGET_REQUIRED", field="remittance_id")
    remittance = None
    if instrument_id is not None:
        remittance = _remittance_of_cheque(session, tenant_id, instrument_id)
    elif remittance_id is not None:
        remittance = tenant_row(session, Remittance, tenant_id, remittance_id, lock=True)
        if remittance is None:
            raise NotFound(f"no remittance {remittance_id} in {tenant_id}", code="REMITTANCE_NOT_FOUND")
    line = get_line(session, tenant_id, line_id, lock=True)
    if line.remittance_id or line.dishonour_id or line.voucher_id:
        raise Conflict(f"statement line {line_id} is already matched; unmatch it first", code="LINE_ALREADY_MATCHED")
    if remittance is not None:
        if instrument_id is not None:
            _check_cheque(session, line, remittance, instrument_id)
            part = CHEQUE
        else:
            part = _remittance_part(session, line, remittance, part)
        _set(line, remittance_id=remittance.id, match_part=part, instrument_id=instrument_id, matched_by=actor.name)
        session.flush()
        refresh(session, remittance)
        target = {"remittance": remittance.id, "part": part}
        if instrument_id is not None:
            target["instrument"] = instrument_id
    elif dishonour_id is not None:
        _check_dishonour(session, tenant_id, line, dishonour_id)
        _set(line, dishonour_id=dishonour_id, matched_by=actor.name)
        target = {"dishonour": dishonour_id}
    else:
        voucher = _check_voucher(session, tenant_id, line, voucher_number)
        _set(line, voucher_id=voucher.id, matched_by=actor.name)
        target = {"voucher": voucher.number}
    audit.record(session, actor, "bank_statement.match_line", tenant_id=tenant_id, entity_type="statement_line",
                 entity_id=str(line.id), after=target)
    session.flush()
    return line


def unmatch_line(session: Session, tenant_id: str, line_id: int, actor: Actor) -> BankStatementLine:
    """Undo a line's match (automatic or by hand); its remittance waits for confirmation again."""
    line = get_line(session, tenant_id, line_id)
    remittance = None
    if line.remittance_id is not None:
        remittance = session.scalars(select(Remittance).where(Remittance.id == line.remittance_id)
                                     .with_for_update().execution_options(populate_existing=True)).one()
    line = get_line(session, tenant_id, line_id, lock=True)
    if not (line.remittance_id or line.dishonour_id or line.voucher_id):
        raise Conflict(f"statement line {line_id} is not matched", code="LINE_NOT_MATCHED")
    before = {"remittance": line.remittance_id, "part": line.match_part, "dishonour": line.dishonour_id,
              "voucher": line.voucher_id}
    _set(line, matched_by=None)
    session.flush()
    if remittance is not None:
        refresh(session, remittance)
    audit.record(session, actor, "bank_statement.unmatch_line", tenant_id=tenant_id,
                 entity_type="statement_line", entity_id=str(line.id), before=before)
    session.flush()
    return line


def _remittance_part(session: Session, line: BankStatementLine, remittance: Remittance, part: str | None) -> str:
    if line.direction != CREDIT:
        raise ValidationError("a remittance is confirmed by a credit; this line is a debit",
                              code="MATCH_DIRECTION", field="line")
    if remittance.bank_account_id != line.bank_account_id:
        raise ValidationError("the remittance went to another bank account", code="MATCH_BANK_ACCOUNT",
                              field="remittance_id")
    if remittance.status == REVERSED:
        raise Conflict(f"remittance {remittance.id} is reversed", code="REMITTANCE_REVERSED")
    if line.txn_date < remittance.pay_in_date:
        raise ValidationError(f"the bank credited this on {line.txn_date}, before the slip's date "
                              f"({remittance.pay_in_date})", code="MATCH_DATE", field="line")
    matched = set(session.scalars(select(BankStatementLine.match_part)
                                  .where(BankStatementLine.remittance_id == remittance.id)))
    parts = open_parts(remittance.cash_paise, remittance.cheque_paise, matched,
                       _dishonoured(session, [remittance.id]).get(remittance.id, 0))
    fitting = sorted((p for p, amount in parts.items() if amount == line.amount_paise and part in (None, p)),
                     key=PREFERENCE.index)
    if not fitting:
        raise ValidationError(f"{line.amount_paise} paise is none of what remittance {remittance.id} still awaits "
                              f"({', '.join(f'{p} {a}' for p, a in parts.items()) or 'nothing'})",
                              code="MATCH_AMOUNT_MISMATCH", field="line")
    return fitting[0]


def _remittance_of_cheque(session: Session, tenant_id: str, instrument_id: int) -> Remittance:
    """The live remittance that deposited cheque or DD ``instrument_id``, locked."""
    remittance = session.scalars(
        select(Remittance).join(RemittanceItem, RemittanceItem.remittance_id == Remittance.id)
        .where(Remittance.tenant_id == tenant_id, RemittanceItem.instrument_id == instrument_id,
               RemittanceItem.instrument_type.in_(CHEQUE_TYPES), Remittance.status != REVERSED)
        .limit(1).with_for_update(of=Remittance).execution_options(populate_existing=True)).first()
    if remittance is None:
        raise NotFound(f"no cheque or DD {instrument_id} deposited by a remittance of {tenant_id}",
                       code="INSTRUMENT_NOT_DEPOSITED", field="instrument_id")
    return remittance


def _check_cheque(session: Session, line: BankStatementLine, remittance: Remittance, instrument_id: int) -> None:
    """A credit of exactly the cheque, to the account it was paid into, on or after its slip."""
    instrument = session.get(Instrument, instrument_id, populate_existing=True)
    if line.direction != CREDIT:
        raise ValidationError("a cheque is confirmed by a credit; this line is a debit", code="MATCH_DIRECTION",
                              field="line")
    if remittance.bank_account_id != line.bank_account_id:
        raise ValidationError("the cheque was paid into another bank account", code="MATCH_BANK_ACCOUNT",
                              field="instrument_id")
    if line.txn_date < remittance.pay_in_date:
        raise ValidationError(f"the bank credited this on {line.txn_date}, before the slip's date "
                              f"({remittance.pay_in_date})", code="MATCH_DATE", field="line")
    if instrument.amount_paise != line.amount_paise:
        raise ValidationError(f"{line.amount_paise} paise is not the cheque's {instrument.amount_paise}",
                              code="MATCH_AMOUNT_MISMATCH", field="line")
    if instrument.status != DEPOSITED or session.scalar(select(BankStatementLine.id).where(
            BankStatementLine.instrument_id == instrument_id)):
        raise Conflict(f"cheque {instrument.number or instrument_id} is {instrument.status.lower()}, not awaiting "
                       "its credit", code="CHEQUE_ALREADY_CONFIRMED")


def _check_dishonour(session: Session, tenant_id: str, line: BankStatementLine, dishonour_id: int) -> None:
    found = session.scalars(select(Dishonour).where(Dishonour.tenant_id == tenant_id,
                                                    Dishonour.id == dishonour_id)).first()
    if found is None:
        raise NotFound(f"no dishonour {dishonour_id} in {tenant_id}", code="DISHONOUR_NOT_FOUND")
    if line.direction != DEBIT or found.amount_paise != line.amount_paise:
        raise ValidationError("a dishonour is matched by a debit of its amount", code="MATCH_AMOUNT_MISMATCH",
                              field="line")
    if found.bank_account_id != line.bank_account_id:
        raise ValidationError("the dishonoured cheque was paid into another account", code="MATCH_BANK_ACCOUNT",
                              field="dishonour_id")
    if session.scalar(select(BankStatementLine.id).where(BankStatementLine.dishonour_id == dishonour_id)):
        raise Conflict(f"dishonour {dishonour_id} is already matched", code="DISHONOUR_ALREADY_MATCHED")


def _check_voucher(session: Session, tenant_id: str, line: BankStatementLine, number: str) -> Voucher:
    """A voucher that moved exactly this amount on the bank's own head, the same way."""
    voucher = session.scalars(select(Voucher).where(Voucher.tenant_id == tenant_id,
                                                    Voucher.number == number)).first()
    if voucher is None:
        raise NotFound(f"no voucher {number!r} in {tenant_id}", code="VOUCHER_NOT_FOUND")
    bank_gl = select(BankAccount.gl_account_id).where(BankAccount.id == line.bank_account_id).scalar_subquery()
    side = VoucherLine.debit if line.direction == CREDIT else VoucherLine.credit
    moved = session.scalar(select(func.coalesce(func.sum(side), 0)).join(
        GlAccount, GlAccount.id == VoucherLine.gl_account_id).where(
        VoucherLine.voucher_id == voucher.id, VoucherLine.gl_account_id == bank_gl))
    if int(moved) != line.amount_paise:
        raise ValidationError(f"voucher {number} does not {'debit' if line.direction == CREDIT else 'credit'} the "
                              f"bank's head with {line.amount_paise} paise", code="MATCH_VOUCHER_MISMATCH",
                              field="voucher_number")
    return voucher
