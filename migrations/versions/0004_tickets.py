"""tickets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Schema changes of the tickets domain go here.
    pass


def downgrade():
    pass
