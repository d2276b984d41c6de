"""residents search (PostgreSQL trigram and unaccent indexes)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Schema changes of the contacts domain go here.
    pass


def downgrade():
    pass
