"""server-side sessions; audit details without personal values

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

"""
import json

from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _scrubbed(action, detail):
    """The detail of an entry written before audit details held field names and ids only, or None if clean."""
    detail = dict(detail or {})
    if action == 'resident.merge' and detail.get('not_kept'):
        # [field, value, record id] -> [field, record id]
        detail['not_kept'] = [[item[0], item[-1]] for item in detail['not_kept'] if item]
        return detail
    if action == 'audit.search':
        filters = sorted(key for key in detail if key not in ('page', 'filters', 'results'))
        if filters:
            return {'filters': filters, 'page': detail.get('page', 1)}
    if action == 'agent.update' and 'name' in detail:
        fields = set(detail.get('fields') or []) | {key for key in detail if key != 'fields'}
        detail.pop('name')
        return detail | {'fields': sorted(fields)}
    return None


def _scrub_audit_details(conn):
    entries = sa.table('audit_entries', sa.column('id', sa.Integer), sa.column('action', sa.String),
                       sa.column('detail', sa.JSON))
    rows = conn.execute(sa.select(entries.c.id, entries.c.action, entries.c.detail).where(
        entries.c.action.in_(('resident.merge', 'audit.search', 'agent.update')))).all()
    for row in rows:
        detail = row.detail if not isinstance(row.detail, str) else json.loads(row.detail)
        new = _scrubbed(row.action, detail)
        if new is not None:
            conn.execute(entries.update().where(entries.c.id == row.id).values(detail=new))


def upgrade():
    op.create_table('agent_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.LargeBinary(length=32), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('started_at', app.types.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', app.types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', app.types.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_agent_sessions_agent_id_agents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_sessions')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_agent_sessions_token_digest'))
    )
    with op.batch_alter_table('agent_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_agent_sessions_agent_id', ['agent_id'], unique=False)

    # Audit entries are immutable, even by SQL (0006): lift the trigger for this one correction only.
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_update")
        _scrub_audit_details(conn)
        op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        _scrub_audit_details(conn)
        op.execute("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                   "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END")


def downgrade():
    # The values scrubbed from audit details are gone for good; only the sessions table goes back.
    with op.batch_alter_table('agent_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_sessions_agent_id')
    op.drop_table('agent_sessions')
