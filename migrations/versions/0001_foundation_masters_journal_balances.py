"""foundation: masters, journal, balances

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 20:32:22.213445
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

from migrations.triggers_0001 import (  # noqa: E402  (frozen with this revision)
    POSTGRESQL_FUNCTIONS, POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS, TRIGGERS,
)


def upgrade() -> None:
    op.create_table('ledger_balances',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('balance_date', sa.Date(), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_id', sa.BigInteger(), nullable=False),
    sa.Column('function_id', sa.BigInteger(), nullable=False),
    sa.Column('functionary_id', sa.BigInteger(), nullable=False),
    sa.Column('department_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_source_id', sa.BigInteger(), nullable=False),
    sa.Column('series_id', sa.BigInteger(), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'balance_date', 'gl_account_id', 'fund_id', 'function_id', 'functionary_id', 'department_id', 'fund_source_id', 'series_id', name=op.f('pk_ledger_balances'))
    )
    with op.batch_alter_table('ledger_balances', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_balances_account', ['tenant_id', 'gl_account_id', 'balance_date'], unique=False)

    op.create_table('tenants',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_local', sa.String(length=200), nullable=True),
    sa.Column('parent_id', sa.String(length=64), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['tenants.id'], name=op.f('fk_tenants_parent_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants'))
    )
    op.create_table('departments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_departments_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_departments_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_departments_tenant_id_id'))
    )
    op.create_table('financial_years',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=7), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_financial_years_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_financial_years')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_financial_years_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_financial_years_tenant_id_id'))
    )
    op.create_table('functionaries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_functionaries_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_functionaries')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_functionaries_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_functionaries_tenant_id_id'))
    )
    op.create_table('functions',
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_functions_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_functions')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_functions_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_functions_tenant_id_id'))
    )
    op.create_table('fund_sources',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_fund_sources_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_sources')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_fund_sources_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_fund_sources_tenant_id_id'))
    )
    op.create_table('funds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_funds_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_funds_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_funds_tenant_id_id'))
    )
    op.create_table('gl_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('glcode', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_glcode', sa.String(length=32), nullable=True),
    sa.Column('postable', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=True),
    sa.CheckConstraint("level IN ('major', 'minor', 'detailed')", name=op.f('ck_gl_accounts_level')),
    sa.CheckConstraint("purpose IS NULL OR purpose IN ('cash_in_hand', 'cheque_in_hand', 'cash_in_transit', 'bank', 'card_clearing', 'gateway_clearing', 'advance', 'receivable', 'payable', 'rebate', 'penalty', 'other')", name=op.f('ck_gl_accounts_purpose')),
    sa.CheckConstraint("type IN ('asset', 'liability', 'income', 'expense', 'equity')", name=op.f('ck_gl_accounts_type')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_gl_accounts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gl_accounts')),
    sa.UniqueConstraint('tenant_id', 'glcode', name=op.f('uq_gl_accounts_tenant_id_glcode')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_gl_accounts_tenant_id_id'))
    )
    op.create_table('voucher_number_formats',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('voucher_type', sa.String(length=16), nullable=False),
    sa.Column('format', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_voucher_number_formats_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'voucher_type', name=op.f('pk_voucher_number_formats'))
    )
    op.create_table('bank_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('bank_name', sa.String(length=200), nullable=False),
    sa.Column('branch_name', sa.String(length=200), nullable=False),
    sa.Column('account_number', sa.String(length=34), nullable=False),
    sa.Column('ifsc', sa.String(length=11), nullable=False),
    sa.Column('account_type', sa.String(length=16), nullable=False),
    sa.Column('fund_id', sa.BigInteger(), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'fund_id'], ['funds.tenant_id', 'funds.id'], name=op.f('fk_bank_accounts_tenant_id_fund_id_funds')),
    sa.ForeignKeyConstraint(['tenant_id', 'gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_bank_accounts_tenant_id_gl_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_bank_accounts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts')),
    sa.UniqueConstraint('tenant_id', 'account_number', 'ifsc', name=op.f('uq_bank_accounts_tenant_id_account_number_ifsc')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_bank_accounts_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_bank_accounts_tenant_id_id'))
    )
    op.create_table('periods',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('financial_year_id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=7), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_periods_status')),
    sa.CheckConstraint('start_date <= end_date', name=op.f('ck_periods_dates')),
    sa.ForeignKeyConstraint(['tenant_id', 'financial_year_id'], ['financial_years.tenant_id', 'financial_years.id'], name=op.f('fk_periods_tenant_id_financial_year_id_financial_years')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_periods_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periods')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_periods_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_periods_tenant_id_id'))
    )
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.create_index('ix_periods_tenant_dates', ['tenant_id', 'start_date'], unique=False)

    op.create_table('voucher_series',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('voucher_type', sa.String(length=16), nullable=False),
    sa.Column('financial_year_id', sa.BigInteger(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('number_format', sa.String(length=100), nullable=False),
    sa.CheckConstraint('last_seq >= 0', name=op.f('ck_voucher_series_last_seq')),
    sa.ForeignKeyConstraint(['tenant_id', 'financial_year_id'], ['financial_years.tenant_id', 'financial_years.id'], name=op.f('fk_voucher_series_tenant_id_financial_year_id_financial_years')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_voucher_series_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_series')),
    sa.UniqueConstraint('tenant_id', 'voucher_type', 'financial_year_id', name=op.f('uq_voucher_series_tenant_id_voucher_type_financial_year_id'))
    )
    op.create_table('vouchers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('voucher_type', sa.String(length=16), nullable=False),
    sa.Column('series_id', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('voucher_date', sa.Date(), nullable=False),
    sa.Column('period_id', sa.BigInteger(), nullable=False),
    sa.Column('narration', sa.Text(), nullable=True),
    sa.Column('source_ref', sa.String(length=200), nullable=True),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('reversal_of_id', sa.BigInteger(), nullable=True),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('line_count >= 2', name=op.f('ck_vouchers_line_count')),
    sa.CheckConstraint('seq > 0', name=op.f('ck_vouchers_seq')),
    sa.CheckConstraint('total > 0', name=op.f('ck_vouchers_total')),
    sa.ForeignKeyConstraint(['tenant_id', 'reversal_of_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_vouchers_tenant_id_reversal_of_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers')),
    sa.UniqueConstraint('series_id', 'seq', name=op.f('uq_vouchers_series_id_seq')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_vouchers_tenant_id_id')),
    sa.UniqueConstraint('number', 'tenant_id', name=op.f('uq_vouchers_number_tenant_id'))
    )
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.create_index('uq_vouchers_tenant_id_idempotency_key', ['tenant_id', 'idempotency_key'], unique=True,
                              postgresql_where=sa.text('idempotency_key IS NOT NULL'),
                              sqlite_where=sa.text('idempotency_key IS NOT NULL'))
        batch_op.create_index('uq_vouchers_reversal_of_id', ['reversal_of_id'], unique=True,
                              postgresql_where=sa.text('reversal_of_id IS NOT NULL'),
                              sqlite_where=sa.text('reversal_of_id IS NOT NULL'))
        batch_op.create_index('ix_vouchers_date_tenant', ['voucher_date', 'tenant_id'], unique=False)
        batch_op.create_index('ix_vouchers_source_tenant', ['source_ref', 'tenant_id'], unique=False)

    op.create_table('voucher_lines',
    sa.Column('voucher_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('line_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('voucher_date', sa.Date(), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_id', sa.BigInteger(), nullable=False),
    sa.Column('function_id', sa.BigInteger(), nullable=False),
    sa.Column('functionary_id', sa.BigInteger(), nullable=False),
    sa.Column('department_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_source_id', sa.BigInteger(), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('narration', sa.Text(), nullable=True),
    sa.Column('voucher_ref', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)', name=op.f('ck_voucher_lines_one_side')),
    sa.CheckConstraint('debit >= 0 AND credit >= 0', name=op.f('ck_voucher_lines_not_negative')),
    sa.CheckConstraint('line_no >= 1 AND CASE WHEN line_no = 1 THEN voucher_ref IS NOT NULL AND voucher_ref = voucher_id ELSE voucher_ref IS NULL END', name=op.f('ck_voucher_lines_voucher_ref')),
    sa.ForeignKeyConstraint(['tenant_id', 'voucher_ref'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_voucher_lines_tenant_id_voucher_ref_vouchers'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('voucher_id', 'line_no', name=op.f('pk_voucher_lines'))
    )
    with op.batch_alter_table('voucher_lines', schema=None) as batch_op:
        batch_op.create_index('ix_voucher_lines_account_date', ['tenant_id', 'gl_account_id', 'voucher_date'], unique=False)
        batch_op.create_index('ix_voucher_lines_voucher_ref', ['voucher_ref'], unique=False,
                              postgresql_where=sa.text('voucher_ref IS NOT NULL'),
                              sqlite_where=sa.text('voucher_ref IS NOT NULL'))

    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    with op.batch_alter_table('voucher_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_lines_voucher_ref')
        batch_op.drop_index('ix_voucher_lines_account_date')

    op.drop_table('voucher_lines')
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.drop_index('ix_vouchers_source_tenant')
        batch_op.drop_index('ix_vouchers_date_tenant')
        batch_op.drop_index('uq_vouchers_reversal_of_id')
        batch_op.drop_index('uq_vouchers_tenant_id_idempotency_key')

    op.drop_table('vouchers')
    op.drop_table('voucher_series')
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.drop_index('ix_periods_tenant_dates')

    op.drop_table('periods')
    op.drop_table('bank_accounts')
    op.drop_table('voucher_number_formats')
    op.drop_table('gl_accounts')
    op.drop_table('funds')
    op.drop_table('fund_sources')
    op.drop_table('functions')
    op.drop_table('functionaries')
    op.drop_table('financial_years')
    op.drop_table('departments')
    op.drop_table('tenants')
    with op.batch_alter_table('ledger_balances', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_balances_account')

    op.drop_table('ledger_balances')
