"""One family of domain errors, each with a stable machine code.

Every interface (HTTP, CLI, Python) shows the same ``code``; the HTTP layer maps
``status`` to the response status. Views and commands never catch these one by
one: one handler per interface does.
"""
from __future__ import annotations


class RasidError(Exception):
    """Base of every error rasid reports to a user."""

    code: str = "RASID_ERROR"
    status: int = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 status: int | None = None, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field
        self.details = details or []

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.code}: {self.message}"


class ValidationError(RasidError):
    """Input that can never be accepted as given (HTTP 422)."""

    code = "VALIDATION_ERROR"
    status = 422


class NotFound(RasidError):
    code = "NOT_FOUND"
    status = 404


class Conflict(RasidError):
    """The request is well-formed but clashes with what is already recorded (HTTP 409)."""

    code = "CONFLICT"
    status = 409


class LedgerError(RasidError):
    """A posting the ledger refuses; nothing is written."""

    code = "LEDGER_ERROR"
    status = 422
