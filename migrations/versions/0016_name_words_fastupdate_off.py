"""name words GIN index without a pending list

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01

`resident_name_words` is written rarely (a new name, a bulk refill) and read by every name search.
With GIN's default `fastupdate = on`, the rows of a bulk refill sit in the index's pending list until
a vacuum, and the planner then avoids the index (a sequential scan on each search). With it off, each
insert goes straight into the index: slower bulk refills, searches that use the index at once.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER INDEX ix_resident_name_words_variants SET (fastupdate = off)")
        # Words already waiting in the pending list go into the index now.
        op.execute("SELECT gin_clean_pending_list('ix_resident_name_words_variants'::regclass)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER INDEX ix_resident_name_words_variants RESET (fastupdate)")
