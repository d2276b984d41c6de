"""audit entries: the card-number masking path is the one change the database admits

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Columns an update may change while an `audit_maskings` row exists (its own transaction only):
# the text columns, where card numbers are masked. Everything else stays refused, as before.
FIXED = ('id', 'at', 'agent_id', 'resident_id')
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_entries_immutable() RETURNS trigger AS $$ BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM audit_maskings) OR "
    + " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
    + " THEN RAISE EXCEPTION 'audit entries cannot be changed'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
PG_FUNCTION_BEFORE = ("CREATE OR REPLACE FUNCTION audit_entries_immutable() RETURNS trigger AS $$ BEGIN "
                      "RAISE EXCEPTION 'audit entries cannot be changed'; END $$ LANGUAGE plpgsql")
SQLITE_TRIGGER = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_maskings) OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED)
    + " BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END")
SQLITE_TRIGGER_BEFORE = ("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                         "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END")


def upgrade():
    op.create_table('audit_maskings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', app.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_maskings'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute(SQLITE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION_BEFORE)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute(SQLITE_TRIGGER_BEFORE)
    op.drop_table('audit_maskings')
