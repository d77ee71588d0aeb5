"""Endpoints declare their roles, inputs and output once; the guard enforces them, OpenAPI shows them.

``Routes.endpoint`` is the only way rasid adds an API route, and it refuses a
route without roles. The guard every route runs in:

1. opens the request's unit of work (commit on success, roll back on error);
2. authenticates the bearer token (401) from an allowed address (403);
3. checks the roles (403), refuses NUL characters in the path and query (422; PostgreSQL
   cannot store them, SQLite could), and checks the tenant in the path or query (403);
4. parses the query string and the JSON body into their models (400/415/422);
5. calls the view, validates its result against the response model, commits.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from flask import Flask, Response, request
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticError
from pydantic.alias_generators import to_camel

from collection.api import security
from collection.api.context import Call, request_session
from collection.api.schemas.common import NoQuery
from ledger.errors import RasidError

TenantCheck = Literal["path", "query", "service"]


class UnsupportedMediaType(RasidError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


@dataclass(frozen=True)
class EndpointSpec:
    method: str
    rule: str
    view: Callable
    roles: frozenset[str]
    response: type
    query: type[BaseModel]
    body: type[BaseModel] | None
    status: int
    tag: str
    tenant: TenantCheck | None
    examples: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"api.{self.view.__module__.rsplit('.', 1)[-1]}.{self.view.__name__}"

    @property
    def summary(self) -> str:
        return (self.view.__doc__ or self.view.__name__).strip().splitlines()[0]

    @property
    def description(self) -> str:
        return (self.view.__doc__ or "").strip()


class Routes:
    """A group of endpoints (one module's), registered on an app by ``register``."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.specs: list[EndpointSpec] = []

    def endpoint(self, method: str, rule: str, *, roles: frozenset[str] | set[str], response: type,
                 query: type[BaseModel] = NoQuery, body: type[BaseModel] | None = None,
                 status: int = 200, tenant: TenantCheck | None = None,
                 examples: dict | None = None) -> Callable:
        if not roles:
            raise ValueError(f"{method} {rule}: every endpoint must name the roles it admits")
        if tenant is None and "<tenant_id>" in rule:
            tenant = "path"

        def decorator(view: Callable) -> Callable:
            self.specs.append(EndpointSpec(method, rule, view, frozenset(roles), response, query,
                                           body, status, self.tag, tenant, examples or {}))
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
    adapter = TypeAdapter(spec.response)

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
            call = Call(session, principal, query, parse_body(spec.body) if spec.body else None)
            result = spec.view(call, **path)
            try:
                body = adapter.dump_json(adapter.validate_python(result), by_alias=True)
            except PydanticError as exc:  # our bug, not the caller's: a 500, not a 422
                raise RuntimeError(f"{spec.name} returned what its response model refuses") from exc
        return Response(body, status=spec.status, mimetype="application/json")

    view.__name__ = spec.view.__name__
    view.__doc__ = spec.view.__doc__
    return view


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
