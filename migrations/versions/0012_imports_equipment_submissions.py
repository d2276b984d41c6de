"""device installations with dates, import runs, one-time ticket submissions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_installations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.CheckConstraint('removed_on IS NULL OR removed_on >= installed_on',
                       name=op.f('ck_device_installations_removed_after_installed')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_installations_device_id_devices'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_device_installations_site_id_sites'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_installations'))
    )
    with op.batch_alter_table('device_installations', schema=None) as batch_op:
        batch_op.create_index('ix_device_installations_site_device', ['site_id', 'device_id'], unique=False)
    # Devices already linked to a site were there from the pilot's first day (October 2016).
    op.execute("INSERT INTO device_installations (site_id, device_id, installed_on) "
               "SELECT site_id, device_id, '2016-10-01' FROM site_devices ORDER BY site_id, device_id")
    op.drop_table('site_devices')

    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('queued_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lines_total', sa.Integer(), nullable=False),
    sa.Column('lines_read', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_import_runs_agent_id_agents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.create_index('ix_import_runs_content_hash', ['content_hash'], unique=False)

    op.create_table('ticket_submissions',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_submissions_ticket_id_tickets'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_ticket_submissions'))
    )


def downgrade():
    op.drop_table('ticket_submissions')
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_runs_content_hash')
    op.drop_table('import_runs')
    op.create_table('site_devices',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_site_devices_device_id_devices'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_devices_site_id_sites'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_id', 'device_id', name=op.f('pk_site_devices'))
    )
    op.execute("INSERT INTO site_devices (site_id, device_id) SELECT DISTINCT site_id, device_id "
               "FROM device_installations WHERE removed_on IS NULL")
    with op.batch_alter_table('device_installations', schema=None) as batch_op:
        batch_op.drop_index('ix_device_installations_site_device')
    op.drop_table('device_installations')
