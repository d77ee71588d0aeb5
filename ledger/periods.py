"""Financial years (April–March) and their monthly periods, which accountants close and reopen."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import NotFound, ValidationError
from ledger.models import FinancialYear, Period

_FY = re.compile(r"^(\d{4})-(\d{2})$")


def fy_code(day: dt.date) -> str:
    """``2026-11-23`` → ``2026-27``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def fy_bounds(code: str) -> tuple[dt.date, dt.date]:
    match = _FY.match(code)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError(f"financial year {code!r} must look like 2026-27",
                              code="FINANCIAL_YEAR_INVALID")
    start = int(match.group(1))
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def ensure_financial_year(session: Session, tenant_id: str, code: str) -> tuple[FinancialYear, bool]:
    """Create the year and its twelve open monthly periods, unless they exist; return the year and
    whether it was created now."""
    start, end = fy_bounds(code)
    year = session.scalars(select(FinancialYear).where(FinancialYear.tenant_id == tenant_id,
                                                       FinancialYear.code == code)).first()
    if year is not None:
        return year, False
    year = FinancialYear(tenant_id=tenant_id, code=code, start_date=start, end_date=end)
    session.add(year)
    session.flush()
    month = start
    for _ in range(12):
        last = calendar.monthrange(month.year, month.month)[1]
        session.add(Period(tenant_id=tenant_id, financial_year_id=year.id,
                           code=f"{month.year:04d}-{month.month:02d}", start_date=month,
                           end_date=month.replace(day=last), status="open"))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    session.flush()
    return year, True


def get_period(session: Session, tenant_id: str, code: str) -> Period:
    period = session.scalars(select(Period).where(Period.tenant_id == tenant_id,
                                                  Period.code == code)).first()
    if period is None:
        raise NotFound(f"no period {code!r} for {tenant_id}", code="PERIOD_NOT_FOUND")
    return period


def set_period_status(session: Session, tenant_id: str, code: str, status: str,
                      changed_by: str | None = None) -> Period:
    """Close or reopen a month. Closing refuses every later posting dated in it."""
    if status not in ("open", "closed"):
        raise ValidationError(f"period status must be open or closed, not {status!r}",
                              code="PERIOD_STATUS_INVALID")
    period = get_period(session, tenant_id, code)
    period.status = status
    period.changed_by = changed_by
    period.changed_at = dt.datetime.now(dt.timezone.utc)
    session.flush()
    return period


def list_periods(session: Session, tenant_id: str) -> list[Period]:
    return list(session.scalars(select(Period).where(Period.tenant_id == tenant_id)
                                .order_by(Period.start_date)))
