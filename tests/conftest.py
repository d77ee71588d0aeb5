"""Every database test runs on a fresh, migrated database with the example masters.

SQLite by default; PostgreSQL when ``RASID_TEST_DATABASE_URL`` is set (the
README's test command runs the suite once on each). The schema comes from the
migrations, built once per run as a template and then cloned for each test:
a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL (~60 ms).
Clones are needed because the ledger is append-only: nothing can be cleaned up.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

import migrations
from collection.masters import load_masters, read_masters_file
from ledger.db import make_engine, session_factory, unit_of_work

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TENANT = "pb.amritsar"
PG_URL = os.environ.get("RASID_TEST_DATABASE_URL")


def pytest_report_header(config):
    return f"rasid test database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (embedded)'}"


def pytest_collection_modifyitems(config, items):
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with RASID_TEST_DATABASE_URL (make test does)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _admin_engine():
    return make_engine(make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False),
                       isolation_level="AUTOCOMMIT", poolclass=None)


def _prepare(url: str) -> None:
    engine = make_engine(url)
    migrations.upgrade(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_masters(session, read_masters_file(ROOT / "examples" / "masters.yaml"))
    engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database holding the example masters, to clone per test."""
    if PG_URL:
        name = f"rasid_tpl_{os.getpid()}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        _prepare(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
        yield name
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        _prepare(f"sqlite:///{path}")
        yield path


@pytest.fixture
def db_url(template_db, tmp_path):
    """URL of a fresh database for this test."""
    if PG_URL:
        name = f"rasid_t_{uuid.uuid4().hex[:12]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template_db}"))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    else:
        path = tmp_path / "rasid.db"
        shutil.copyfile(template_db, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine):
    return session_factory(engine)


@pytest.fixture
def session(factory):
    """A session for one test; tests commit explicitly (or use ``unit_of_work``)."""
    with factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def tenant() -> str:
    return TENANT
