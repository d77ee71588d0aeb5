"""gateway clearing accounts per service; guards against REPLACE, TRUNCATE and a close racing a posting

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 06:30:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

from migrations.triggers_0006 import (  # noqa: E402  (frozen with this revision)
    PERIODS_GUARD_0001, POSTGRESQL_FUNCTIONS, POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS, TRIGGERS,
)


def upgrade() -> None:
    op.create_table('service_gateway_accounts',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.BigInteger(), nullable=False),
    sa.Column('gateway', sa.String(length=64), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_service_gateway_accounts_tenant_id_gl_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['services.tenant_id', 'services.id'], name=op.f('fk_service_gateway_accounts_tenant_id_service_id_services')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_gateway_accounts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'service_id', 'gateway', name=op.f('pk_service_gateway_accounts'))
    )
    statements = POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        op.execute(PERIODS_GUARD_0001)
    op.drop_table('service_gateway_accounts')
