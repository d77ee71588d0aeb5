"""receipts and instruments: payments, receipts with their per-head apportionment, receipt numbering

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:42:06.201980
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

from migrations.triggers_0004 import (  # noqa: E402  (frozen with this revision)
    POSTGRESQL_FUNCTIONS, POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS, TRIGGERS,
)


def upgrade() -> None:
    op.create_table('receipt_series',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('financial_year', sa.String(length=7), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_receipt_series_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'financial_year', name=op.f('pk_receipt_series'))
    )
    op.create_table('instruments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_type', sa.String(length=16), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('instrument_date', sa.Date(), nullable=True),
    sa.Column('bank_name', sa.String(length=200), nullable=True),
    sa.Column('branch_name', sa.String(length=200), nullable=True),
    sa.Column('transaction_reference', sa.String(length=100), nullable=True),
    sa.Column('gateway', sa.String(length=64), nullable=True),
    sa.Column('bank_account_id', sa.BigInteger(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('collected_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("instrument_type IN ('cash', 'cheque', 'dd', 'card', 'online', 'bankchallan', 'neft', 'rtgs', 'postal_order')", name=op.f('ck_instruments_instrument_type')),
    sa.CheckConstraint("status IN ('NEW', 'DEPOSITED', 'RECONCILED', 'DISHONOURED', 'CANCELLED')", name=op.f('ck_instruments_status')),
    sa.CheckConstraint('amount_paise >= 0', name=op.f('ck_instruments_amount')),
    sa.ForeignKeyConstraint(['tenant_id', 'bank_account_id'], ['bank_accounts.tenant_id', 'bank_accounts.id'], name=op.f('fk_instruments_tenant_id_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_instruments_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruments')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_instruments_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'collected_by', 'idempotency_key',
                        name=op.f('uq_instruments_tenant_id_collected_by_idempotency_key')),
    postgresql_with={'fillfactor': 50},  # status changes stay HOT (see the model)
    )
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.create_index('ix_instruments_number', ['tenant_id', 'instrument_type', 'number'], unique=False)

    op.create_table('receipts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('financial_year', sa.String(length=7), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('receipt_date', sa.Date(), nullable=False),
    sa.Column('service_id', sa.BigInteger(), nullable=False),
    sa.Column('bill_id', sa.BigInteger(), nullable=False),
    sa.Column('bill_version', sa.Integer(), nullable=False),
    sa.Column('bill_ref_no', sa.String(length=64), nullable=False),
    sa.Column('consumer_code', sa.String(length=64), nullable=False),
    sa.Column('payer_name', sa.String(length=200), nullable=False),
    sa.Column('payer_address', sa.Text(), nullable=True),
    sa.Column('collection_type', sa.String(length=1), nullable=False),
    sa.Column('collected_by', sa.String(length=200), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('advance_paise', sa.BigInteger(), nullable=False),
    sa.Column('instrument_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('voucher_id', sa.BigInteger(), nullable=True),
    sa.Column('reversal_voucher_id', sa.BigInteger(), nullable=True),
    sa.Column('narration', sa.Text(), nullable=True),
    sa.Column('manual_receipt_number', sa.String(length=60), nullable=True),
    sa.Column('manual_receipt_date', sa.Date(), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=200), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_by', sa.String(length=200), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('print_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("collection_type IN ('C', 'F', 'O')", name=op.f('ck_receipts_collection_type')),
    sa.CheckConstraint("status <> 'CANCELLED' OR cancel_reason IS NOT NULL", name=op.f('ck_receipts_cancel_reason')),
    sa.CheckConstraint("status IN ('TO_BE_SUBMITTED', 'SUBMITTED', 'APPROVED', 'REJECTED', 'REMITTED', 'CANCELLED', 'INSTR_BOUNCED')", name=op.f('ck_receipts_status')),
    sa.CheckConstraint('amount_paise >= 0 AND advance_paise >= 0 AND advance_paise <= amount_paise', name=op.f('ck_receipts_amounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'bill_id'], ['bills.tenant_id', 'bills.id'], name=op.f('fk_receipts_tenant_id_bill_id_bills')),
    sa.ForeignKeyConstraint(['tenant_id', 'instrument_id'], ['instruments.tenant_id', 'instruments.id'], name=op.f('fk_receipts_tenant_id_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['tenant_id', 'reversal_voucher_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_receipts_tenant_id_reversal_voucher_id_vouchers')),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['services.tenant_id', 'services.id'], name=op.f('fk_receipts_tenant_id_service_id_services')),
    sa.ForeignKeyConstraint(['tenant_id', 'voucher_id'], ['vouchers.tenant_id', 'vouchers.id'], name=op.f('fk_receipts_tenant_id_voucher_id_vouchers')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_receipts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_receipts_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_receipts_tenant_id_number'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index('ix_receipts_approved', ['tenant_id', 'id'], unique=False,
                              sqlite_where=sa.text("status = 'APPROVED'"),
                              postgresql_where=sa.text("status = 'APPROVED'"))
        batch_op.create_index('ix_receipts_consumer', ['tenant_id', 'consumer_code'], unique=False)
        batch_op.create_index('ix_receipts_date', ['tenant_id', 'receipt_date'], unique=False)
        batch_op.create_index('ix_receipts_instrument', ['instrument_id'], unique=False)

    op.create_table('receipt_heads',
    sa.Column('receipt_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('bill_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.Column('glcode', sa.String(length=32), nullable=False),
    sa.Column('function_code', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('purpose', sa.String(length=32), nullable=True),
    sa.Column('cr_paise', sa.BigInteger(), nullable=False),
    sa.Column('dr_paise', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('(cr_paise > 0 AND dr_paise = 0) OR (dr_paise > 0 AND cr_paise = 0)', name=op.f('ck_receipt_heads_one_side')),
    sa.ForeignKeyConstraint(['bill_account_id'], ['bill_accounts.id'], name=op.f('fk_receipt_heads_bill_account_id_bill_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_receipt_heads_tenant_id_gl_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'receipt_id'], ['receipts.tenant_id', 'receipts.id'], name=op.f('fk_receipt_heads_tenant_id_receipt_id_receipts')),
    sa.PrimaryKeyConstraint('receipt_id', 'line_no', name=op.f('pk_receipt_heads'))
    )
    # services.post_voucher_on. Not through batch mode: on SQLite that rebuilds the table, and
    # dropping the old one fails while bills and holding accounts refer to it. A column-level
    # CHECK also lets SQLite drop the column again on downgrade.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE services ADD COLUMN post_voucher_on VARCHAR(16) DEFAULT 'creation' NOT NULL "
                   "CONSTRAINT ck_services_post_voucher_on CHECK (post_voucher_on IN ('creation', 'approval'))")
    else:
        op.add_column('services', sa.Column('post_voucher_on', sa.String(length=16), server_default='creation',
                                            nullable=False))
        op.create_check_constraint(op.f('ck_services_post_voucher_on'), 'services',
                                   "post_voucher_on IN ('creation', 'approval')")

    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_ref', ['tenant_id', 'ref_no'], unique=False)

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
    if postgresql:
        op.drop_constraint(op.f('ck_services_post_voucher_on'), 'services', type_='check')
    op.execute("ALTER TABLE services DROP COLUMN post_voucher_on")

    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_ref')

    op.drop_table('receipt_heads')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_receipts_instrument')
        batch_op.drop_index('ix_receipts_date')
        batch_op.drop_index('ix_receipts_consumer')
        batch_op.drop_index('ix_receipts_approved', sqlite_where=sa.text("status = 'APPROVED'"),
                            postgresql_where=sa.text("status = 'APPROVED'"))

    op.drop_table('receipts')
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.drop_index('ix_instruments_number')

    op.drop_table('instruments')
    op.drop_table('receipt_series')
