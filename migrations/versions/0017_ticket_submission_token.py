"""one-time form token on the ticket itself (the ticket's INSERT is the uniqueness check)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01

A ticket form's one-time token was a row of `ticket_submissions`, read before each save and
written after it: two statements on every post. It is now a column of `tickets` with a unique
index: the ticket's own INSERT refuses a second ticket of the same form. Tokens already used
move to their ticket; the table goes.

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Adding a nullable column and an index never rebuilds the table on SQLite (its triggers stay).
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_token', sa.String(length=64), nullable=True))
    op.execute("UPDATE tickets SET submission_token = (SELECT min(s.token) FROM ticket_submissions s "
               "WHERE s.ticket_id = tickets.id) WHERE id IN (SELECT ticket_id FROM ticket_submissions)")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_submission_token', ['submission_token'], unique=True)
    op.drop_table('ticket_submissions')


def downgrade():
    op.create_table('ticket_submissions',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_submissions_ticket_id_tickets'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_ticket_submissions'))
    )
    op.execute("INSERT INTO ticket_submissions (token, ticket_id, created_at) SELECT submission_token, id, "
               "created_at FROM tickets WHERE submission_token IS NOT NULL")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_submission_token')
    # A plain DROP COLUMN (PostgreSQL, SQLite >= 3.35): a batch rebuild would lose the table's triggers.
    op.execute("ALTER TABLE tickets DROP COLUMN submission_token")
