"""distinct name words for typo-tolerant search

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

`resident_name_words` holds each distinct word of the residents' normalised names (`search_name`) with
its one-letter deletions (`variants`, GIN index). A typed word is corrected by looking up its own
deletions there (a letter dropped, added, replaced or two swapped: exact index lookups, no similarity
recheck), then residents are read through the prefix index with the corrected words. On PostgreSQL,
triggers add the words of inserted and renamed residents (any writer: forms, merges, bulk imports); words
no longer borne by anyone are harmless. `residents` is how many bore the word when counted: a ranking hint.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# A text array on PostgreSQL; JSON on SQLite, where the column is not read (search derives words there).
WORD_VARIANTS = sa.ARRAY(sa.Text()).with_variant(sa.JSON(), "sqlite")

# The same statement as app.contacts.namewords.REFILL_SQL (kept literal: a migration must not change).
REFILL_SQL = """
INSERT INTO resident_name_words (word, residents, variants)
SELECT w, count(*), resident_name_word_variants(w)
FROM residents, unnest(string_to_array(search_name, ' ')) AS w
WHERE w <> '' GROUP BY w
ON CONFLICT (word) DO UPDATE SET residents = EXCLUDED.residents
"""

VARIANTS_SQL = """
CREATE FUNCTION resident_name_word_variants(w text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(DISTINCT v) FROM (
        SELECT w AS v
        UNION ALL
        SELECT overlay(w placing '' from i for 1) FROM generate_series(1, length(w)) AS i
    ) AS deletions
$$;
"""

TRIGGERS_SQL = """
CREATE FUNCTION resident_name_words_from_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO resident_name_words (word, residents, variants)
    SELECT w, count(*), resident_name_word_variants(w)
    FROM new_residents, unnest(string_to_array(search_name, ' ')) AS w
    WHERE w <> '' GROUP BY w ORDER BY w
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION resident_name_words_from_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO resident_name_words (word, residents, variants)
    SELECT DISTINCT w, 1, resident_name_word_variants(w)
    FROM unnest(string_to_array(NEW.search_name, ' ')) AS w WHERE w <> '' ORDER BY w
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER residents_name_words_insert AFTER INSERT ON residents
    REFERENCING NEW TABLE AS new_residents
    FOR EACH STATEMENT EXECUTE FUNCTION resident_name_words_from_rows();

CREATE TRIGGER residents_name_words_rename AFTER UPDATE OF search_name ON residents
    FOR EACH ROW WHEN (OLD.search_name IS DISTINCT FROM NEW.search_name)
    EXECUTE FUNCTION resident_name_words_from_row();
"""


def upgrade():
    op.create_table(
        'resident_name_words',
        sa.Column('word', sa.String(length=260), nullable=False),
        sa.Column('residents', sa.Integer(), server_default='0', nullable=False),
        sa.Column('variants', WORD_VARIANTS, nullable=False),
        sa.PrimaryKeyConstraint('word', name=op.f('pk_resident_name_words')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(VARIANTS_SQL)
        op.execute(REFILL_SQL)
        op.execute(TRIGGERS_SQL)
    # Built after the fill (faster than maintaining it row by row); a plain index on SQLite (unused there).
    op.create_index('ix_resident_name_words_variants', 'resident_name_words', ['variants'], postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS residents_name_words_rename ON residents")
        op.execute("DROP TRIGGER IF EXISTS residents_name_words_insert ON residents")
        op.execute("DROP FUNCTION IF EXISTS resident_name_words_from_row()")
        op.execute("DROP FUNCTION IF EXISTS resident_name_words_from_rows()")
    op.drop_index('ix_resident_name_words_variants', table_name='resident_name_words')
    op.drop_table('resident_name_words')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS resident_name_word_variants(text)")
