"""Alembic environment: runs on the connection rasid hands it, or on sqlalchemy.url."""
from __future__ import annotations

from alembic import context

import collection.models  # noqa: F401  (registers every table on Base.metadata)
from ledger.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():  # pragma: no cover - rasid always migrates online
    raise SystemExit("rasid migrations run online only: use `rasid db upgrade`")
run_migrations_online()
