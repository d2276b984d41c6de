"""residents search (PostgreSQL trigram index, prefix index on the normalised name)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

`search_name` is already lower case and accent-free (normalised in Python with unidecode), so
it plays the part of an unaccent index without the non-immutable `unaccent()` function.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Replace the plain btree by one that serves LIKE 'prefix%' whatever the collation (text_pattern_ops
    # on PostgreSQL) and reads name order without a sort (id breaks ties).
    with op.batch_alter_table("residents") as batch_op:
        batch_op.drop_index("ix_residents_search_name")
        batch_op.create_index("ix_residents_search_name", ["search_name", "id"],
                              postgresql_ops={"search_name": "text_pattern_ops"})
    op.create_index("ix_residents_search_name_trgm", "residents", ["search_name"],
                    postgresql_using="gin", postgresql_ops={"search_name": "gin_trgm_ops"})


def downgrade():
    op.drop_index("ix_residents_search_name_trgm", table_name="residents")
    with op.batch_alter_table("residents") as batch_op:
        batch_op.drop_index("ix_residents_search_name")
        batch_op.create_index("ix_residents_search_name", ["search_name"], unique=False)
