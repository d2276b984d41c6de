"""reference data (channels, sites, devices, procedures)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Schema changes of the channels domain go here.
    pass


def downgrade():
    pass
