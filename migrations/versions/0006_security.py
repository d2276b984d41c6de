"""audit, privacy and retention

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_at', app.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['agents.id'], name=op.f('fk_settings_updated_by_id_agents')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    # Audit entries are never changed, even by SQL (the purge job deletes old ones).
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE FUNCTION audit_entries_immutable() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'audit entries cannot be changed'; END $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entries_immutable()")
    else:
        op.execute("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                   "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.drop_table('settings')
