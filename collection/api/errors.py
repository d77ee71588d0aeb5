"""Every error leaves as ``{"errors": [{"code", "message", "field"}]}`` with a stable code
(errors in a submitted document add its ``line`` and ``path``).

One handler for the RasidError family (domain and access refusals), one for
request validation (pydantic → 422), one for HTTP errors Werkzeug raises
(404, 405, 413, 415, ...), and a last one that turns anything unexpected into a
500 that names the request id instead of leaking a traceback.
"""
from __future__ import annotations

import json
import logging

from flask import Flask, Response, g
from pydantic import ValidationError as PydanticError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from collection.auth.errors import TooManyRequests
from ledger.errors import RasidError

log = logging.getLogger("rasid.api")

#: pydantic error types → our stable codes
_PYDANTIC_CODES = {"missing": "FIELD_REQUIRED", "extra_forbidden": "FIELD_UNKNOWN",
                   "json_invalid": "JSON_INVALID"}


def error_response(status: int, errors: list[dict], headers: dict | None = None) -> Response:
    body = json.dumps({"errors": errors}, ensure_ascii=False)
    response = Response(body, status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _item(code: str, message: str, field: str | None = None) -> dict:
    return {"code": code, "message": message, "field": field}


def _detail(error: dict) -> dict:
    """An error item; a document's errors (Bill XML) also carry their line and path."""
    item = _item(error["code"], error["message"], error.get("field"))
    item.update({key: error[key] for key in ("line", "path") if key in error})
    return item


def field_path(loc: tuple) -> str | None:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or None


def init_app(app: Flask) -> None:
    @app.errorhandler(RasidError)
    def _rasid(exc: RasidError):
        errors = exc.details or [exc.as_dict()]
        headers = dict(getattr(exc, "headers", None) or {})
        if isinstance(exc, TooManyRequests):
            headers["Retry-After"] = str(exc.retry_after)
        return error_response(exc.status, [_detail(e) for e in errors], headers)

    @app.errorhandler(PydanticError)
    def _invalid(exc: PydanticError):
        return error_response(422, [
            _item(_PYDANTIC_CODES.get(e["type"], "FIELD_INVALID"), e["msg"], field_path(e["loc"]))
            for e in exc.errors(include_url=False)])

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").upper().replace(" ", "_")
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return error_response(exc.code or 500, [_item(code, exc.description or exc.name)], headers)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        # A unique key hit by a concurrent writer, or a database rule refusing the change.
        log.info("integrity error in request %s: %s", g.get("request_id"), exc.orig)
        return error_response(409, [_item("CONFLICT", "the change conflicts with recorded data: "
                                          + str(exc.orig).splitlines()[0][:300])])

    @app.errorhandler(DataError)
    def _data(exc: DataError):
        return error_response(422, [_item("VALUE_OUT_OF_RANGE",
                                          "a value does not fit what the database stores")])

    @app.errorhandler(OperationalError)
    def _unavailable(exc: OperationalError):
        log.error("database unavailable in request %s: %s", g.get("request_id"), exc.orig)
        return error_response(503, [_item("DATABASE_UNAVAILABLE", "the database is not reachable; "
                                          "try again shortly")], {"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error in request %s", g.get("request_id"))
        return error_response(500, [_item("INTERNAL_ERROR", "internal error; quote request id "
                                          f"{g.get('request_id')} to the administrator")])
