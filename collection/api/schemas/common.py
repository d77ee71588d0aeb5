"""Base models, pagination, money and errors shared by every endpoint.

Responses accept snake_case from Python and speak camelCase on the wire;
inputs accept only camelCase, refuse unknown fields, and JSON bodies are
validated strictly (``"active": "yes"`` is not a boolean).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from collection.auth.tokens import as_utc
from ledger.money import format_rupees

T = TypeVar("T")


class ApiModel(BaseModel):
    """A response: built from snake_case dicts, sent in camelCase."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True,
                              validate_by_alias=True, serialize_by_alias=True)


class ApiInput(BaseModel):
    """A JSON request body: camelCase only, no unknown fields, strict types."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=False,
                              validate_by_alias=True, extra="forbid", strict=True,
                              str_strip_whitespace=True)


class ApiQuery(BaseModel):
    """Query parameters: camelCase only, no unknown ones; strings converted to their types."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=False,
                              validate_by_alias=True, extra="forbid", str_strip_whitespace=True)


class NoQuery(ApiQuery):
    """An endpoint without query parameters refuses any."""


class PageQuery(ApiQuery):
    limit: int = Field(50, ge=1, le=500, description="Items per page (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Items to skip.")


class Page(ApiModel, Generic[T]):
    """One page of a list: ``total`` counts every match, ``items`` holds at most ``limit``."""

    items: list[T]
    total: int
    limit: int
    offset: int


def page(result, query: PageQuery) -> dict:
    """A service's ``Page(total, items)`` plus the paging the caller asked for."""
    return {"items": result.items, "total": result.total, "limit": query.limit,
            "offset": query.offset}


#: Rupees as an exact decimal string with two places ("1603.00"); its twin field holds paise.
Rupees = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["1603.00"])]
#: A timestamp, always with its UTC offset.
Timestamp = Annotated[dt.datetime, AfterValidator(as_utc)]


def money(name: str, paise: int) -> dict:
    """``money("debit", 160300)`` → ``{"debit_paise": 160300, "debit": "1603.00"}``."""
    return {f"{name}_paise": paise, name: format_rupees(paise)}


class ErrorItem(ApiModel):
    code: str = Field(description="Stable machine code, e.g. TOKEN_INVALID, FIELD_REQUIRED.")
    message: str = Field(description="What went wrong, for a person.")
    field: str | None = Field(description="The offending field or parameter, if one.")
    line: int | None = Field(None, description="In a submitted document (Bill XML): the line, "
                                               "when known.")
    path: str | None = Field(None, description="In a submitted document: where, e.g. "
                                               "/bill-collect/payees/payee[1]/bills/bill[2]/@refNo.")


class ErrorBody(ApiModel):
    errors: list[ErrorItem]


TenantCode = Annotated[str, Field(min_length=1, max_length=64,
                                  pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
                                  examples=["pb.amritsar"])]
