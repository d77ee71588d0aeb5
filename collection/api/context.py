"""What a request shares: the app's database state, its session, request id, caller's address.

One session per request, opened by ``request_session`` (a unit of work:
commit when the view returns, roll back when it raises) and reachable as
``db()`` by code the request calls, such as Authlib's callbacks.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from collection.audit import Actor, utcnow
from collection.auth.tenancy import covered_tenants
from collection.auth.tokens import Principal
from ledger.db import make_engine, session_factory, unit_of_work

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class RasidState:
    """Per-app state, in ``app.extensions["rasid"]`` (no module-level engine)."""

    engine: Engine
    factory: sessionmaker[Session]
    clock: Callable[[], dt.datetime]


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], **app.config["ENGINE_OPTIONS"])
    app.extensions["rasid"] = RasidState(engine, session_factory(engine),
                                         app.config["CLOCK"] or utcnow)

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


def state() -> RasidState:
    return current_app.extensions["rasid"]


def now() -> dt.datetime:
    return state().clock()


@contextmanager
def request_session() -> Iterator[Session]:
    with unit_of_work(state().factory) as session:
        g.session = session
        try:
            yield session
        finally:
            g.pop("session", None)


def db() -> Session:
    return g.session


def client_ip() -> str | None:
    return request.remote_addr


def actor(principal: Principal | None = None, *, name: str | None = None,
          user_id: int | None = None) -> Actor:
    """The audit trail's view of who makes this request."""
    if principal is not None:
        name, user_id = principal.qualified_name, principal.user_id
    return Actor(name or "anonymous", user_id, client_ip(), g.get("request_id"), state().clock)


@dataclass
class Call:
    """What a guarded view receives: its session, its caller and the parsed request."""

    session: Session
    principal: Principal
    query: Any = None
    body: Any = None

    @property
    def actor(self) -> Actor:
        return actor(self.principal)

    def tenants(self) -> list[str]:
        """Every tenant the caller may see."""
        return covered_tenants(self.session, self.principal.tenant_id)
