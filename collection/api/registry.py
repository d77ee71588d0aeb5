"""Endpoints declare their roles, inputs and output once; the guard enforces them, OpenAPI shows them.

``Routes.endpoint`` is the only way rasid adds an API route, and it refuses a
route without roles. The guard every route runs in:

1. opens the request's unit of work (commit on success, roll back on error);
2. authenticates the bearer token (401) from an allowed address (403);
3. checks the roles (403), refuses NUL characters in the path and query (422; PostgreSQL
   cannot store them, SQLite could), and checks the tenant in the path or query (403);
4. parses the query string and the JSON body into their models (400/415/422), or takes a
   ``RawBody`` (Bill XML) as bytes after checking its media type (415) and size (413);
5. calls the view, validates its result against the response model, commits. A view that
   answers with more than one success status returns a ``Reply``; one that answers with a
   file (``response=FileResponse(...)``, a receipt PDF) returns a ``FileReply``.
"""
from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from flask import Flask, Response, current_app, request
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticError
from pydantic.alias_generators import to_camel
from werkzeug.exceptions import RequestEntityTooLarge

from collection.api import security
from collection.api.context import Call, request_session
from collection.api.schemas.common import NoQuery
from ledger.errors import RasidError

TenantCheck = Literal["path", "query", "service"]


class UnsupportedMediaType(RasidError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


@dataclass(frozen=True)
class RawBody:
    """A body the view takes as bytes (a document, not JSON), with its own size limit.

    ``limit_setting`` names the app setting holding the limit in bytes: it replaces
    MAX_CONTENT_LENGTH for this endpoint, and a larger body is refused with ``too_large_code``.
    """

    media_types: tuple[str, ...]
    limit_setting: str
    too_large_code: str
    description: str
    example: str | None = None


class Reply(NamedTuple):
    """A view's answer with a status other than the endpoint's default (one of ``also``)."""

    status: int
    body: Any


@dataclass(frozen=True)
class FileResponse:
    """An endpoint's ``response`` when it answers with a file (a receipt PDF), not JSON;
    its view returns a ``FileReply``."""

    media_type: str
    description: str


class FileReply(NamedTuple):
    content: bytes
    filename: str  #: offered to the browser (Content-Disposition: inline)


@dataclass(frozen=True)
class EndpointSpec:
    method: str
    rule: str
    view: Callable
    roles: frozenset[str]
    response: type
    query: type[BaseModel]
    body: type[BaseModel] | RawBody | None
    status: int
    tag: str
    tenant: TenantCheck | None
    examples: dict = field(default_factory=dict)
    also: dict[int, str] = field(default_factory=dict)  #: other success statuses, described

    @property
    def name(self) -> str:
        return f"api.{self.view.__module__.rsplit('.', 1)[-1]}.{self.view.__name__}"

    @property
    def summary(self) -> str:
        return (self.view.__doc__ or self.view.__name__).strip().splitlines()[0]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.view.__doc__ or "")


class Routes:
    """A group of endpoints (one module's), registered on an app by ``register``."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.specs: list[EndpointSpec] = []

    def endpoint(self, method: str, rule: str, *, roles: frozenset[str] | set[str], response: type,
                 query: type[BaseModel] = NoQuery, body: type[BaseModel] | RawBody | None = None,
                 status: int = 200, tenant: TenantCheck | None = None,
                 examples: dict | None = None, also: dict[int, str] | None = None) -> Callable:
        if not roles:
            raise ValueError(f"{method} {rule}: every endpoint must name the roles it admits")
        if tenant is None and "<tenant_id>" in rule:
            tenant = "path"

        def decorator(view: Callable) -> Callable:
            self.specs.append(EndpointSpec(method, rule, view, frozenset(roles), response, query,
                                           body, status, self.tag, tenant, examples or {},
                                           also or {}))
            return view

        return decorator


def register(app: Flask, *groups: Routes) -> None:
    endpoints: dict[str, EndpointSpec] = app.extensions.setdefault("rasid_endpoints", {})
    for group in groups:
        for spec in group.specs:
            app.add_url_rule(spec.rule, endpoint=spec.name, view_func=_guarded(spec),
                             methods=[spec.method])
            endpoints[spec.name] = spec


def _guarded(spec: EndpointSpec) -> Callable:
    adapter = None if isinstance(spec.response, FileResponse) else TypeAdapter(spec.response)

    def view(**path):
        with request_session() as session:
            principal = security.authenticate()
            security.require_roles(principal, spec.roles)
            refuse_nul(path)
            if spec.tenant == "path":
                security.require_tenant(session, principal, path["tenant_id"])
            query = parse_query(spec.query)
            if spec.tenant == "query":
                security.require_tenant(session, principal, query.tenant_id)
            given = None
            if isinstance(spec.body, RawBody):
                given = read_raw(spec.body)
            elif spec.body is not None:
                given = parse_body(spec.body)
            result = spec.view(Call(session, principal, query, given), **path)
            if isinstance(result, FileReply):  # sent once the unit of work has committed
                return _file(spec, result)
            status = spec.status
            if isinstance(result, Reply):
                if result.status != spec.status and result.status not in spec.also:
                    raise RuntimeError(f"{spec.name} answered {result.status}, which it does not declare")
                status, result = result
            try:
                body = adapter.dump_json(adapter.validate_python(result), by_alias=True)
            except PydanticError as exc:  # our bug, not the caller's: a 500, not a 422
                raise RuntimeError(f"{spec.name} returned what its response model refuses") from exc
        return Response(body, status=status, mimetype="application/json")

    view.__name__ = spec.view.__name__
    view.__doc__ = spec.view.__doc__
    return view


def _file(spec: EndpointSpec, reply: FileReply) -> Response:
    response = Response(reply.content, status=spec.status, mimetype=spec.response.media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{reply.filename}"'
    return response


def refuse_nul(path: dict) -> None:
    """No text rasid stores may hold a NUL character (PostgreSQL refuses it, SQLite would keep
    it): refuse it in the path and query alike, before any query runs."""
    for name, value in [*path.items(), *request.args.items(multi=True)]:
        if isinstance(value, str) and "\x00" in value:
            raise RasidError("text may not contain NUL characters", code="TEXT_INVALID",
                             field=to_camel(name), status=422)


def parse_query(model: type[BaseModel]) -> BaseModel:
    """Query string → model; unknown or repeated parameters are refused (422)."""
    values = {}
    for key, items in request.args.lists():
        if len(items) > 1:
            raise RasidError(f"query parameter {key!r} is given more than once",
                             code="QUERY_PARAM_REPEATED", field=key, status=422)
        values[key] = items[0]
    return model.model_validate(values)


def parse_body(model: type[BaseModel]) -> BaseModel:
    """JSON body → model: 415 unless JSON, 400 if malformed, 422 if it does not fit."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as application/json")
    raw = request.get_data(cache=False)
    try:
        json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RasidError(f"the body is not valid JSON: {exc}", code="JSON_INVALID",
                         status=400) from None
    if b"\\u0000" in raw:
        raise RasidError("text may not contain NUL characters", code="TEXT_INVALID", status=422)
    return model.model_validate_json(raw)


def read_raw(raw: RawBody) -> bytes:
    """The body as bytes: 415 unless one of its media types in UTF-8, 413 past its limit.

    The limit is set on the request before its stream is first read, so a body between the
    app-wide MAX_CONTENT_LENGTH and this endpoint's own limit is read, and a larger one is
    refused without being read (by its Content-Length, or as soon as it passes the limit).
    """
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if request.mimetype not in raw.media_types or charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"send the body as {' or '.join(raw.media_types)} (UTF-8)")
    limit = int(current_app.config[raw.limit_setting])
    request.max_content_length = limit
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise RasidError(f"the body is larger than this endpoint's limit of {limit:,} bytes",
                         code=raw.too_large_code, status=413) from None
