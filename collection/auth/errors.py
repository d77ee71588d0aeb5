"""Refusals of the access layer, in the RasidError family (one handler per interface)."""
from __future__ import annotations

from ledger.errors import RasidError


class Unauthorized(RasidError):
    """No valid credentials (HTTP 401): missing, unknown, expired or revoked token."""

    code = "UNAUTHORIZED"
    status = 401


class Forbidden(RasidError):
    """Valid credentials without the right to this (HTTP 403): role, tenant or network."""

    code = "FORBIDDEN"
    status = 403


class TooManyRequests(RasidError):
    """A rate limit was hit (HTTP 429); ``retry_after`` seconds until the window turns."""

    code = "RATE_LIMITED"
    status = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
