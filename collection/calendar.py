"""The business calendar: ULBs keep their books in Indian Standard Time.

Receipt, voucher and remittance dates are dates in the tenant's local calendar
(DESIGN.md); a server running in UTC must not date a 03:00 IST payment to the
day before. Every service that defaults "today" asks here.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Kolkata")


def today(now: dt.datetime | None = None) -> dt.date:
    """The date in India at ``now`` (an aware datetime; default: this moment)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(TIMEZONE).date()
