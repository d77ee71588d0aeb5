"""The schema comes only from migrations, and they agree with the models on both databases."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import collection.models  # noqa: F401
import migrations
from ledger.db import Base


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(engine):
    assert migrations.current_revision(engine) == migrations.head_revision()


def test_downgrade_and_upgrade_again(engine):
    config = migrations.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert "vouchers" not in inspect(engine).get_table_names()
    migrations.upgrade(engine)
    assert "vouchers" in inspect(engine).get_table_names()
