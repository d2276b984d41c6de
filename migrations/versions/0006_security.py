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
    # Schema changes of the security domain go here.
    pass


def downgrade():
    pass
