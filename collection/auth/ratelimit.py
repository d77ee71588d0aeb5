"""Fixed-window counters in the database, for login attempts per user and per IP.

Why the database and not Flask-Limiter's in-memory storage: gunicorn runs
several worker processes, and per-process counters would multiply the limit by
the number of workers. The database is already shared by every worker (no Redis
to run), and one upsert per attempt is cheap next to the argon2 check a login
costs anyway. Counters are bumped in their own short transaction, before the
login's, so a failed login still counts and the counter row is never held
locked while a password is being verified.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from collection.auth.errors import TooManyRequests
from collection.auth.models import RateLimitCounter


class LoginLimits(NamedTuple):
    per_user: int   #: attempts for one username of one tenant, per window
    per_ip: int     #: attempts from one address, per window
    window: int     #: seconds


def hit(engine: Engine, keys: list[str], window: int, now: dt.datetime) -> list[int]:
    """Count one hit on each key in the current window; return the counts so far.

    Every key of this table must use the same window length: the clean-up drops
    windows that ended before the previous one.
    """
    start = int(now.timestamp()) // window * window
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    counts = []
    with engine.begin() as connection:
        for key in keys:
            statement = (insert(RateLimitCounter).values(counter_key=key[:200], window_start=start, hits=1)
                         .on_conflict_do_update(index_elements=["counter_key", "window_start"],
                                                set_={"hits": RateLimitCounter.hits + 1})
                         .returning(RateLimitCounter.hits))
            counts.append(connection.execute(statement).scalar_one())
        connection.execute(delete(RateLimitCounter).where(RateLimitCounter.window_start < start - window))
    return counts


def check_login(engine: Engine, limits: LoginLimits, tenant_id: str, username: str,
                ip: str | None, now: dt.datetime) -> None:
    """Count a login attempt; refuse it (429) past either limit."""
    user_hits, ip_hits = hit(engine, [f"login:user:{tenant_id}/{username}", f"login:ip:{ip}"],
                             limits.window, now)
    retry_after = limits.window - int(now.timestamp()) % limits.window
    if user_hits > limits.per_user:
        raise TooManyRequests(f"too many sign-in attempts for this user; try again in "
                              f"{retry_after} s", code="LOGIN_RATE_LIMITED", retry_after=retry_after)
    if ip_hits > limits.per_ip:
        raise TooManyRequests(f"too many sign-in attempts from this address; try again in "
                              f"{retry_after} s", code="LOGIN_RATE_LIMITED", retry_after=retry_after)
