"""service master and bills

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:01:07.320632
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bill_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_bill_documents_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_documents')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_bill_documents_tenant_id_id'))
    )
    with op.batch_alter_table('bill_documents', schema=None) as batch_op:
        batch_op.create_index('ix_bill_documents_sha256', ['tenant_id', 'sha256'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('fund_id', sa.BigInteger(), nullable=False),
    sa.Column('department_id', sa.BigInteger(), nullable=False),
    sa.Column('functionary_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_source_id', sa.BigInteger(), nullable=False),
    sa.Column('instruments', sa.String(length=200), nullable=False),
    sa.Column('part_payment_default', sa.Boolean(), nullable=False),
    sa.Column('receipt_template', sa.String(length=64), nullable=False),
    sa.Column('workflow', sa.String(length=16), nullable=False),
    sa.Column('receipt_number_format', sa.String(length=100), nullable=False),
    sa.Column('advance_gl_account_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("workflow IN ('none', 'submit-approve')", name=op.f('ck_services_workflow')),
    sa.ForeignKeyConstraint(['tenant_id', 'advance_gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_services_tenant_id_advance_gl_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'department_id'], ['departments.tenant_id', 'departments.id'], name=op.f('fk_services_tenant_id_department_id_departments')),
    sa.ForeignKeyConstraint(['tenant_id', 'functionary_id'], ['functionaries.tenant_id', 'functionaries.id'], name=op.f('fk_services_tenant_id_functionary_id_functionaries')),
    sa.ForeignKeyConstraint(['tenant_id', 'fund_id'], ['funds.tenant_id', 'funds.id'], name=op.f('fk_services_tenant_id_fund_id_funds')),
    sa.ForeignKeyConstraint(['tenant_id', 'fund_source_id'], ['fund_sources.tenant_id', 'fund_sources.id'], name=op.f('fk_services_tenant_id_fund_source_id_fund_sources')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_services_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_services_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_services_tenant_id_id'))
    )
    op.create_table('bills',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.BigInteger(), nullable=False),
    sa.Column('consumer_code', sa.String(length=64), nullable=False),
    sa.Column('ref_no', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('content_digest', sa.String(length=64), nullable=False),
    sa.Column('bill_date', sa.Date(), nullable=False),
    sa.Column('payee_name', sa.String(length=200), nullable=False),
    sa.Column('payee_address', sa.Text(), nullable=True),
    sa.Column('payee_email', sa.String(length=200), nullable=True),
    sa.Column('paid_by', sa.String(length=200), nullable=True),
    sa.Column('display_message', sa.Text(), nullable=True),
    sa.Column('consumer_type', sa.String(length=64), nullable=True),
    sa.Column('boundary_num', sa.BigInteger(), nullable=True),
    sa.Column('boundary_type', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('total_paise', sa.BigInteger(), nullable=False),
    sa.Column('minimum_paise', sa.BigInteger(), nullable=False),
    sa.Column('part_payment_allowed', sa.Boolean(), nullable=True),
    sa.Column('override_account_heads_allowed', sa.Boolean(), nullable=False),
    sa.Column('callback_for_apportioning', sa.Boolean(), nullable=False),
    sa.Column('collection_type', sa.String(length=1), nullable=True),
    sa.Column('modes_not_allowed', sa.String(length=200), nullable=False),
    sa.Column('transaction_reference', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('fund_id', sa.BigInteger(), nullable=False),
    sa.Column('department_id', sa.BigInteger(), nullable=False),
    sa.Column('functionary_id', sa.BigInteger(), nullable=False),
    sa.Column('fund_source_id', sa.BigInteger(), nullable=False),
    sa.Column('live_receipts', sa.Integer(), nullable=False),
    sa.Column('superseded_by_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('active', 'superseded', 'cancelled')", name=op.f('ck_bills_status')),
    sa.CheckConstraint('live_receipts >= 0', name=op.f('ck_bills_live_receipts')),
    sa.CheckConstraint('total_paise >= 0 AND minimum_paise >= 0 AND minimum_paise <= total_paise', name=op.f('ck_bills_amounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'department_id'], ['departments.tenant_id', 'departments.id'], name=op.f('fk_bills_tenant_id_department_id_departments')),
    sa.ForeignKeyConstraint(['tenant_id', 'document_id'], ['bill_documents.tenant_id', 'bill_documents.id'], name=op.f('fk_bills_tenant_id_document_id_bill_documents')),
    sa.ForeignKeyConstraint(['tenant_id', 'functionary_id'], ['functionaries.tenant_id', 'functionaries.id'], name=op.f('fk_bills_tenant_id_functionary_id_functionaries')),
    sa.ForeignKeyConstraint(['tenant_id', 'fund_id'], ['funds.tenant_id', 'funds.id'], name=op.f('fk_bills_tenant_id_fund_id_funds')),
    sa.ForeignKeyConstraint(['tenant_id', 'fund_source_id'], ['fund_sources.tenant_id', 'fund_sources.id'], name=op.f('fk_bills_tenant_id_fund_source_id_fund_sources')),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['services.tenant_id', 'services.id'], name=op.f('fk_bills_tenant_id_service_id_services')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_bills_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bills')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_bills_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'service_id', 'consumer_code', 'ref_no', 'version', name=op.f('uq_bills_tenant_id_service_id_consumer_code_ref_no_version'))
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_consumer', ['tenant_id', 'consumer_code'], unique=False)
        batch_op.create_index('ix_bills_date', ['tenant_id', 'bill_date'], unique=False)
        batch_op.create_index('ux_bills_active', ['tenant_id', 'service_id', 'consumer_code', 'ref_no'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('service_holding_accounts',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.BigInteger(), nullable=False),
    sa.Column('instrument_type', sa.String(length=16), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_service_holding_accounts_tenant_id_gl_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['services.tenant_id', 'services.id'], name=op.f('fk_service_holding_accounts_tenant_id_service_id_services')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_holding_accounts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'service_id', 'instrument_type', name=op.f('pk_service_holding_accounts'))
    )
    op.create_table('bill_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('bill_id', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('gl_account_id', sa.BigInteger(), nullable=False),
    sa.Column('glcode', sa.String(length=32), nullable=False),
    sa.Column('function_id', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('is_actual_demand', sa.Boolean(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=True),
    sa.Column('group_id', sa.BigInteger(), nullable=True),
    sa.Column('cr_paise', sa.BigInteger(), nullable=False),
    sa.Column('dr_paise', sa.BigInteger(), nullable=False),
    sa.Column('paid_paise', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('cr_paise >= 0 AND dr_paise >= 0 AND paid_paise >= 0', name=op.f('ck_bill_accounts_amounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'bill_id'], ['bills.tenant_id', 'bills.id'], name=op.f('fk_bill_accounts_tenant_id_bill_id_bills')),
    sa.ForeignKeyConstraint(['tenant_id', 'function_id'], ['functions.tenant_id', 'functions.id'], name=op.f('fk_bill_accounts_tenant_id_function_id_functions')),
    sa.ForeignKeyConstraint(['tenant_id', 'gl_account_id'], ['gl_accounts.tenant_id', 'gl_accounts.id'], name=op.f('fk_bill_accounts_tenant_id_gl_account_id_gl_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_accounts')),
    sa.UniqueConstraint('bill_id', 'line_no', name=op.f('uq_bill_accounts_bill_id_line_no'))
    )


def downgrade() -> None:
    op.drop_table('bill_accounts')
    op.drop_table('service_holding_accounts')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ux_bills_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_bills_date')
        batch_op.drop_index('ix_bills_consumer')

    op.drop_table('bills')
    op.drop_table('services')
    with op.batch_alter_table('bill_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_bill_documents_sha256')

    op.drop_table('bill_documents')
