"""remittance and reconciliation: remittances, dishonours, bank statements, cheque-bounce penalties

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:58:58.319237
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

from migrations.triggers_0005 import (  # noqa: E402  (frozen with this revision)
    POSTGRESQL_FUNCTIONS, POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS, TRIGGERS,
)


def upgrade() -> None:
    op.create_table('bank_statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('bank_account_id', sa.BigInteger(), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=True),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('opening_balance_paise', sa.BigInteger(), nullable=True),
    sa.Column('closing_balance_paise', sa.BigInteger(), nullable=True),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('new_line_count', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'bank_account_id'], ['bank_accounts.tenant_id', 'bank_accounts.id'], name=op.f('fk_bank_statements_tenant_id_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_bank_statements_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements')),
    sa.UniqueConstraint('tenant_id', 'bank_account_id', 'sha256', name=op.f('uq_bank_statements_tenant_id_bank_account_id_sha256')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_bank_statements_tenant_id_id'))
    )
    op.create_table('service_bounce_penalties',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.BigInteger(), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_paise > 0', name=op.f('ck_service_bounce_penalties_amount')),
    sa.ForeignKeyConstraint(['tenant_id', 'gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_service_bounce_penalties_tenant_id_gl_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['services.tenant_id', 'services.id'], name=op.f('fk_service_bounce_penalties_tenant_id_service_id_services')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_bounce_penalties_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'service_id', name=op.f('pk_service_bounce_penalties'))
    )
    op.create_table('remittances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('bank_account_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_id', sa.BigInteger(), nullable=False),
    sa.Column('pay_in_slip', sa.String(length=32), nullable=False),
    sa.Column('pay_in_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('receipt_count', sa.Integer(), nullable=False),
    sa.Column('cash_paise', sa.BigInteger(), nullable=False),
    sa.Column('cheque_paise', sa.BigInteger(), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger(), nullable=True),
    sa.Column('reversal_voucher_id', sa.BigInteger(), nullable=True),
    sa.Column('remitted_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('reversal_date', sa.Date(), nullable=True),
    sa.Column('reversal_reason', sa.Text(), nullable=True),
    sa.Column('reversed_by', sa.String(length=200), nullable=True),
    sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'REVERSED' OR reversal_reason IS NOT NULL", name=op.f('ck_remittances_reversal_reason')),
    sa.CheckConstraint("status IN ('REMITTED', 'RECONCILED', 'REVERSED')", name=op.f('ck_remittances_status')),
    sa.CheckConstraint('cash_paise >= 0 AND cheque_paise >= 0 AND amount_paise = cash_paise + cheque_paise AND receipt_count >= 0', name=op.f('ck_remittances_amounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'bank_account_id'], ['bank_accounts.tenant_id', 'bank_accounts.id'], name=op.f('fk_remittances_tenant_id_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'fund_id'], ['funds.tenant_id', 'funds.id'], name=op.f('fk_remittances_tenant_id_fund_id_funds')),
    sa.ForeignKeyConstraint(['tenant_id', 'reversal_voucher_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_remittances_tenant_id_reversal_voucher_id_vouchers')),
    sa.ForeignKeyConstraint(['tenant_id', 'voucher_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_remittances_tenant_id_voucher_id_vouchers')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_remittances_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittances')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_remittances_tenant_id_id'))
    )
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.create_index('ix_remittances_date', ['tenant_id', 'pay_in_date'], unique=False)
        batch_op.create_index('ux_remittances_slip', ['tenant_id', 'bank_account_id', 'pay_in_slip'], unique=True, sqlite_where=sa.text("status <> 'REVERSED'"), postgresql_where=sa.text("status <> 'REVERSED'"))

    op.create_table('dishonours',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_id', sa.BigInteger(), nullable=False),
    sa.Column('remittance_id', sa.BigInteger(), nullable=False),
    sa.Column('bank_account_id', sa.BigInteger(), nullable=False),
    sa.Column('dishonour_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger(), nullable=False),
    sa.Column('penalty_bill_id', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('amount_paise > 0', name=op.f('ck_dishonours_amount')),
    sa.ForeignKeyConstraint(['tenant_id', 'bank_account_id'], ['bank_accounts.tenant_id', 'bank_accounts.id'], name=op.f('fk_dishonours_tenant_id_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'instrument_id'], ['instruments.tenant_id', 'instruments.id'], name=op.f('fk_dishonours_tenant_id_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['tenant_id', 'penalty_bill_id'], ['bills.tenant_id', 'bills.id'], name=op.f('fk_dishonours_tenant_id_penalty_bill_id_bills')),
    sa.ForeignKeyConstraint(['tenant_id', 'remittance_id'], ['remittances.tenant_id', 'remittances.id'], name=op.f('fk_dishonours_tenant_id_remittance_id_remittances')),
    sa.ForeignKeyConstraint(['tenant_id', 'voucher_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_dishonours_tenant_id_voucher_id_vouchers')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_dishonours_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dishonours')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_dishonours_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'instrument_id', name=op.f('uq_dishonours_tenant_id_instrument_id'))
    )
    with op.batch_alter_table('dishonours', schema=None) as batch_op:
        batch_op.create_index('ix_dishonours_date', ['tenant_id', 'dishonour_date'], unique=False)

    op.create_table('remittance_items',
    sa.Column('remittance_id', sa.BigInteger(), nullable=False),
    sa.Column('receipt_id', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_id', sa.BigInteger(), nullable=False),
    sa.Column('instrument_type', sa.String(length=16), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'receipt_id'], ['receipts.tenant_id', 'receipts.id'], name=op.f('fk_remittance_items_tenant_id_receipt_id_receipts')),
    sa.ForeignKeyConstraint(['tenant_id', 'remittance_id'], ['remittances.tenant_id', 'remittances.id'], name=op.f('fk_remittance_items_tenant_id_remittance_id_remittances')),
    sa.PrimaryKeyConstraint('remittance_id', 'receipt_id', name=op.f('pk_remittance_items'))
    )
    with op.batch_alter_table('remittance_items', schema=None) as batch_op:
        batch_op.create_index('ix_remittance_items_instrument', ['instrument_id'], unique=False)

    op.create_table('bank_statement_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('statement_id', sa.BigInteger(), nullable=False),
    sa.Column('bank_account_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('txn_date', sa.Date(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('direction', sa.String(length=2), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('balance_paise', sa.BigInteger(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('remittance_id', sa.BigInteger(), nullable=True),
    sa.Column('match_part', sa.String(length=16), nullable=True),
    sa.Column('instrument_id', sa.BigInteger(), nullable=True),
    sa.Column('dishonour_id', sa.BigInteger(), nullable=True),
    sa.Column('voucher_id', sa.BigInteger(), nullable=True),
    sa.Column('matched_by', sa.String(length=200), nullable=True),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("direction IN ('CR', 'DR')", name=op.f('ck_bank_statement_lines_direction')),
    sa.CheckConstraint("dishonour_id IS NULL OR direction = 'DR'", name=op.f('ck_bank_statement_lines_dishonour_debit')),
    sa.CheckConstraint("(instrument_id IS NULL AND (match_part IS NULL OR match_part <> 'CHEQUE')) OR (instrument_id IS NOT NULL AND match_part = 'CHEQUE' AND remittance_id IS NOT NULL)", name=op.f('ck_bank_statement_lines_cheque_credit')),
    sa.CheckConstraint("remittance_id IS NULL OR (direction = 'CR' AND match_part IS NOT NULL)", name=op.f('ck_bank_statement_lines_remittance_credit')),
    sa.CheckConstraint('(CASE WHEN remittance_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN dishonour_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN voucher_id IS NULL THEN 0 ELSE 1 END) <= 1', name=op.f('ck_bank_statement_lines_one_match')),
    sa.CheckConstraint('amount_paise > 0', name=op.f('ck_bank_statement_lines_amount')),
    sa.ForeignKeyConstraint(['tenant_id', 'bank_account_id'], ['bank_accounts.tenant_id', 'bank_accounts.id'], name=op.f('fk_bank_statement_lines_tenant_id_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'dishonour_id'], ['dishonours.tenant_id', 'dishonours.id'], name=op.f('fk_bank_statement_lines_tenant_id_dishonour_id_dishonours')),
    sa.ForeignKeyConstraint(['tenant_id', 'instrument_id'], ['instruments.tenant_id', 'instruments.id'], name=op.f('fk_bank_statement_lines_tenant_id_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['tenant_id', 'remittance_id'], ['remittances.tenant_id', 'remittances.id'], name=op.f('fk_bank_statement_lines_tenant_id_remittance_id_remittances')),
    sa.ForeignKeyConstraint(['tenant_id', 'statement_id'], ['bank_statements.tenant_id', 'bank_statements.id'], name=op.f('fk_bank_statement_lines_tenant_id_statement_id_bank_statements')),
    sa.ForeignKeyConstraint(['tenant_id', 'voucher_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_bank_statement_lines_tenant_id_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement_lines')),
    sa.UniqueConstraint('tenant_id', 'bank_account_id', 'fingerprint', name=op.f('uq_bank_statement_lines_tenant_id_bank_account_id_fingerprint')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_bank_statement_lines_tenant_id_id'))
    )
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.create_index('ix_bank_statement_lines_account_date', ['tenant_id', 'bank_account_id', 'txn_date'], unique=False)
        batch_op.create_index('ix_bank_statement_lines_dishonour', ['dishonour_id'], unique=False)
        batch_op.create_index('ix_bank_statement_lines_remittance', ['remittance_id'], unique=False)
        batch_op.create_index('ux_bank_statement_lines_instrument', ['instrument_id'], unique=True,
                              sqlite_where=sa.text('instrument_id IS NOT NULL'),
                              postgresql_where=sa.text('instrument_id IS NOT NULL'))

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
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.drop_index('ux_bank_statement_lines_instrument', sqlite_where=sa.text('instrument_id IS NOT NULL'),
                            postgresql_where=sa.text('instrument_id IS NOT NULL'))
        batch_op.drop_index('ix_bank_statement_lines_remittance')
        batch_op.drop_index('ix_bank_statement_lines_dishonour')
        batch_op.drop_index('ix_bank_statement_lines_account_date')

    op.drop_table('bank_statement_lines')
    with op.batch_alter_table('remittance_items', schema=None) as batch_op:
        batch_op.drop_index('ix_remittance_items_instrument')

    op.drop_table('remittance_items')
    with op.batch_alter_table('dishonours', schema=None) as batch_op:
        batch_op.drop_index('ix_dishonours_date')

    op.drop_table('dishonours')
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.drop_index('ux_remittances_slip', sqlite_where=sa.text("status <> 'REVERSED'"), postgresql_where=sa.text("status <> 'REVERSED'"))
        batch_op.drop_index('ix_remittances_date')

    op.drop_table('remittances')
    op.drop_table('service_bounce_penalties')
    op.drop_table('bank_statements')
