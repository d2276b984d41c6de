"""daily facts and report runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Schema changes of the reports domain go here.
    pass


def downgrade():
    pass
