"""Correcting a typed name word against the words residents' names are made of.

On PostgreSQL the distinct words live in `resident_name_words` (trigram GIN index, kept in step by
triggers); a typo is corrected there (a hundred thousand short words) rather than by rechecking thousands
of residents. On SQLite the words come from the residents themselves, ranked in Python with the same measure.
"""

from sqlalchemy import or_, text

from app.contacts.models import Resident
from app.contacts.similarity import similarity
from app.extensions import db

CORRECTION_THRESHOLD = 0.4  # as similarity.WORD_MATCH: "lefebvre" against "lefevre" scores 0.55
CORRECTIONS_PER_WORD = 3
SQLITE_CANDIDATES = 2000  # residents whose words the SQLite fallback ranks, at most

# Every word of every resident's normalised name, with how many residents bear it. Run by migration 0008
# and after a bulk load that bypasses triggers (the benchmark's COPY with session_replication_role=replica).
REFILL_SQL = """
INSERT INTO resident_name_words (word, residents)
SELECT w, count(*) FROM residents, unnest(string_to_array(search_name, ' ')) AS w
WHERE w <> '' GROUP BY w
ON CONFLICT (word) DO UPDATE SET residents = EXCLUDED.residents
"""

_CORRECTIONS_SQL = text("""
SELECT t.n, c.word, c.score
FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS t(typed, n)
CROSS JOIN LATERAL (
    SELECT w.word, similarity(w.word, t.typed) AS score
    FROM resident_name_words AS w
    WHERE w.word % t.typed
    ORDER BY score DESC, w.residents DESC, w.word
    LIMIT :per_word
) AS c
ORDER BY t.n, c.score DESC
""")


def refill_name_words() -> None:
    """Recount the name words of all residents (PostgreSQL only; the caller commits)."""
    db.session.execute(text(REFILL_SQL))


def _corrections_postgresql(words: list[str]) -> list[list[tuple[str, float]]]:
    db.session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                       {"t": str(CORRECTION_THRESHOLD)})
    found: list[list[tuple[str, float]]] = [[] for _ in words]
    for n, word, score in db.session.execute(_CORRECTIONS_SQL, {"words": words, "per_word": CORRECTIONS_PER_WORD}):
        found[n - 1].append((word, float(score)))
    return found


def _corrections_sqlite(words: list[str]) -> list[list[tuple[str, float]]]:
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
    found = []
    for typed in words:
        scored = [(-similarity(typed, word), -count, word) for word, count in counts.items()]
        best = sorted(s for s in scored if -s[0] >= CORRECTION_THRESHOLD)[:CORRECTIONS_PER_WORD]
        found.append([(word, -score) for score, _count, word in best])
    return found


def correct_words(words: list[str]) -> list[list[tuple[str, float]]]:
    """For each typed word, the closest words of residents' names: [(word, similarity)], best first."""
    if not words:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _corrections_postgresql(words)
    return _corrections_sqlite(words)
