"""Correcting a typed name word against the words residents' names are made of.

A word one letter away from the typed one (a letter dropped, added, replaced, or two swapped) shares a
one-letter deletion with it. On PostgreSQL the distinct words live in `resident_name_words` with their
deletions (`variants`, GIN index, kept in step by triggers): the typed word's deletions are looked up
exactly, with no similarity recheck over thousands of rows. On SQLite the words come from the residents
themselves, compared in Python the same way.
"""

from sqlalchemy import or_, text

from app.contacts.models import Resident
from app.contacts.similarity import similarity
from app.extensions import db

MIN_CORRECTED_LENGTH = 4  # shorter words have too many one-letter neighbours to correct
CORRECTIONS_PER_WORD = 3
SQLITE_CANDIDATES = 2000  # residents whose words the SQLite fallback compares, at most

# Every word of every resident's normalised name, with how many residents bear it. Run by migration 0008
# and after a bulk load that bypasses triggers (the benchmark's COPY with session_replication_role=replica).
REFILL_SQL = """
INSERT INTO resident_name_words (word, residents, variants)
SELECT w, count(*), resident_name_word_variants(w)
FROM residents, unnest(string_to_array(search_name, ' ')) AS w
WHERE w <> '' GROUP BY w
ON CONFLICT (word) DO UPDATE SET residents = EXCLUDED.residents
"""

_NEIGHBOURS_SQL = text("SELECT word, residents FROM resident_name_words WHERE variants && CAST(:variants AS text[])")


def variants(word: str) -> set[str]:
    """The word and its one-letter deletions (as the SQL function resident_name_word_variants)."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def refill_name_words() -> None:
    """Recount the name words of all residents (PostgreSQL only; the caller commits)."""
    db.session.execute(text(REFILL_SQL))


def _best(typed: str, neighbours: dict[str, int]) -> list[tuple[str, float]]:
    """The most borne neighbours first (a typo of a common name means that name), then the closest."""
    wanted = variants(typed)
    close = [(word, count) for word, count in neighbours.items() if word != typed and wanted & variants(word)]
    close.sort(key=lambda row: (-row[1], -similarity(typed, row[0]), row[0]))
    return [(word, similarity(typed, word)) for word, _count in close[:CORRECTIONS_PER_WORD]]


def _neighbours_postgresql(words: list[str]) -> dict[str, int]:
    wanted = sorted(set().union(*(variants(w) for w in words)))
    return {word: count for word, count in db.session.execute(_NEIGHBOURS_SQL, {"variants": wanted})}


def _neighbours_sqlite(words: list[str]) -> dict[str, int]:
    patterns = set()
    for word in words:
        patterns |= {f"{word[:2]}%", f"% {word[:2]}%"}
        patterns |= {f"%{word[i:i + 3]}%" for i in range(max(len(word) - 2, 0))}
    stmt = (db.select(Resident.search_name).where(or_(*(Resident.search_name.like(p) for p in patterns)))
            .limit(SQLITE_CANDIDATES))
    counts: dict[str, int] = {}
    for search_name in db.session.execute(stmt).scalars():
        for word in set(search_name.split()):
            counts[word] = counts.get(word, 0) + 1
    return counts


def correct_words(words: list[str]) -> list[list[tuple[str, float]]]:
    """For each typed word, the name words one letter away: [(word, trigram similarity)], best first."""
    long_enough = [w for w in words if len(w) >= MIN_CORRECTED_LENGTH]
    if not long_enough:
        return [[] for _ in words]
    if db.session.get_bind().dialect.name == "postgresql":
        neighbours = _neighbours_postgresql(long_enough)
    else:
        neighbours = _neighbours_sqlite(long_enough)
    return [_best(w, neighbours) if len(w) >= MIN_CORRECTED_LENGTH else [] for w in words]
