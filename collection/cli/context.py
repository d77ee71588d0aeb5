"""What every command shares: the database URL, an engine made on first use, units of work."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ledger.db import database_url, make_engine, session_factory, unit_of_work


class Context:
    def __init__(self, url: str | None) -> None:
        self.url = database_url(url)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.url)

    @contextmanager
    def session(self):
        """One command, one transaction (rolled back on any error)."""
        with unit_of_work(session_factory(self.engine)) as session:
            yield session

    def read_session(self) -> Session:
        return session_factory(self.engine)()
