"""training modules, records, requirements and site policies; tickets flagged "agent non formé"

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

import app.types

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('validity_months IS NULL OR validity_months > 0', name=op.f('ck_training_modules_validity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_modules')),
    sa.UniqueConstraint('code', name=op.f('uq_training_modules_code'))
    )
    op.create_table('training_site_policies',
    sa.Column('site_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('on_missing', sa.String(length=10), nullable=False),
    sa.CheckConstraint("on_missing IN ('refuse', 'flag')", name=op.f('ck_training_site_policies_on_missing')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_training_site_policies_site_id_sites')),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_training_site_policies'))
    )
    op.create_table('training_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('trainer', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('expires_on IS NULL OR expires_on > trained_on', name=op.f('ck_training_records_expiry_after_training')),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_training_records_agent_id_agents')),
    sa.ForeignKeyConstraint(['created_by_id'], ['agents.id'], name=op.f('fk_training_records_created_by_id_agents')),
    sa.ForeignKeyConstraint(['module_id'], ['training_modules.id'], name=op.f('fk_training_records_module_id_training_modules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records')),
    sa.UniqueConstraint('agent_id', 'module_id', 'trained_on', name='uq_training_records_agent_module_day')
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_records_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_module_id'), ['module_id'], unique=False)

    op.create_table('training_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(scope = 'channel') = (channel_id IS NOT NULL)", name=op.f('ck_training_requirements_channel_scope')),
    sa.CheckConstraint("(scope = 'procedure') = (procedure_id IS NOT NULL)", name=op.f('ck_training_requirements_procedure_scope')),
    sa.CheckConstraint("scope IN ('payment', 'state', 'procedure', 'channel')", name=op.f('ck_training_requirements_scope')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_training_requirements_channel_id_channels')),
    sa.ForeignKeyConstraint(['module_id'], ['training_modules.id'], name=op.f('fk_training_requirements_module_id_training_modules')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_training_requirements_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_requirements')),
    sa.UniqueConstraint('module_id', 'scope', 'procedure_id', 'channel_id', name='uq_training_requirements_module_target')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('untrained_agent', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('untrained_agent')

    op.drop_table('training_requirements')
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_records_module_id'))
        batch_op.drop_index(batch_op.f('ix_training_records_expires_on'))
        batch_op.drop_index(batch_op.f('ix_training_records_agent_id'))

    op.drop_table('training_records')
    op.drop_table('training_site_policies')
    op.drop_table('training_modules')
