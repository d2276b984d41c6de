"""Finding residents: the search box, live records behind merge pointers, tickets of a resident.

Search is tiered so that it stays fast on millions of rows (PostgreSQL):
1. identifiers (phone in any format, email, compte parisien reference, family number): exact, indexed;
2. names: the normalised name starting with what was typed, read in index order (LIMIT, no sort);
3. names, typo-tolerant: each typed word corrected against the distinct name words (`namewords`), then
   tier 2 again with the corrected words, best corrections first;
4. only when nothing at all was found (a word inside a compound name, a far typo): pg_trgm word
   similarity over the residents (GIN index), the slow tier, kept as a last resort.
On SQLite, corrections and tier 4 are ranked in Python with the same trigram measure.
"""

from itertools import permutations, product

from sqlalchemy import case, func, literal_column, or_, text

from app.contacts.models import Resident, ResidentChange
from app.contacts.namewords import correct_words
from app.contacts.normalise import (
    ContactValueError,
    identifier_spellings,
    looks_like_phone,
    name_key,
    normalise_email,
    normalise_phone,
)
from app.contacts.similarity import covers, similarity, word_similarity
from app.extensions import db
from app.tickets.labels import OPEN_STATUSES
from app.tickets.models import Ticket

MIN_NAME_CHARS = 3
WORD_SIMILARITY_THRESHOLD = 0.5  # "lefebvre" against "lefevre marie" scores 0.55
FUZZY_CANDIDATES = 2000  # rows the typo-tolerant tier may rank, at most (bounds a very common name)
CORRECTED_SPELLINGS = 8  # spellings (corrected words, in some order) tier 3 reads, best first


class SearchQueryError(ValueError):
    """The searched text cannot be searched (too short); `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def live_clause():
    """Residents that are neither merged into another nor anonymised."""
    return Resident.merged_into_id.is_(None) & Resident.anonymised_at.is_(None)


def get_resident(resident_id: int | None) -> Resident | None:
    """The resident record with this id as it is (merged or anonymised ones too); None when unknown."""
    return db.session.get(Resident, resident_id) if resident_id is not None else None


def get_live_resident(resident_id: int) -> Resident | None:
    """The resident with this id, following merge pointers to the survivor; None when unknown."""
    resident = db.session.get(Resident, resident_id)
    seen = set()
    while resident is not None and resident.merged_into_id is not None and resident.id not in seen:
        seen.add(resident.id)
        resident = db.session.get(Resident, resident.merged_into_id)
    return resident


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _identifier_matches(q: str, limit: int) -> list[Resident]:
    """Exact matches on email, phone, compte parisien reference or family number."""
    raw = q.strip()
    spellings = identifier_spellings(raw)
    conditions = [Resident.account_ref.in_(spellings), Resident.family_number.in_(spellings)]
    if "@" in raw:
        try:
            conditions.append(Resident.email == normalise_email(raw))
        except ContactValueError:
            conditions.append(Resident.email == raw.lower())
    if looks_like_phone(raw):
        try:
            number = normalise_phone(raw)
        except ContactValueError:
            number = None
        if number:
            conditions += [Resident.phone == number, Resident.phone_alt == number]
    # One indexed lookup per condition (a UNION keeps each on its own index). Merged records count:
    # their identifiers lead to the survivor.
    not_anonymised = Resident.anonymised_at.is_(None)
    ids = db.union(*(db.select(Resident.id).where(not_anonymised, c) for c in conditions)).subquery()
    stmt = (db.select(Resident).where(Resident.id.in_(db.select(ids.c.id)))
            .order_by(Resident.search_name, Resident.id).limit(limit))
    found: dict[int, Resident] = {}
    for resident in db.session.execute(stmt).scalars():
        live = get_live_resident(resident.id) if resident.merged_into_id else resident
        if live is not None and live.anonymised_at is None:
            found.setdefault(live.id, live)
    return list(found.values())


def may_be_identifier(text: str) -> bool:
    """False for words with spaces and no digit ("martin claire"): no e-mail, phone or reference looks so."""
    return "@" in text or any(c.isdigit() for c in text) or not any(c.isspace() for c in text)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_matches(key: str, limit: int) -> list[Resident]:
    """Names starting with the key, in name order; on PostgreSQL read in text_pattern_ops index order."""
    stmt = db.select(Resident).where(live_clause(), Resident.search_name.like(_escape_like(key) + "%", escape="\\"))
    if _is_postgresql():
        stmt = stmt.order_by(literal_column("residents.search_name USING ~<~"), Resident.id)
    else:
        stmt = stmt.order_by(Resident.search_name, Resident.id)
    return list(db.session.execute(stmt.limit(limit)).scalars())


def _spellings(words: list[str]) -> list[tuple[float, list[tuple[str, bool]]]]:
    """Orderings of the typed words with some corrected, best first: (score, [(word, is_whole_word)]).

    A typed word stays a prefix (it may be half typed); a corrected word is a whole word. Spellings made
    only of typed words were read by tier 2 already.
    """
    corrections = correct_words(words)
    options = [[(typed, 1.0, False)] + [(word, score, True) for word, score in found if word != typed]
               for typed, found in zip(words, corrections, strict=True)]
    orders = list(permutations(range(len(words)))) if len(words) <= 3 else [tuple(range(len(words)))]
    spellings = []
    for rank, order in enumerate(orders):
        for choice in product(*(options[i] for i in order)):
            if all(not whole for _w, _s, whole in choice):
                continue
            score = sum(s for _w, s, _whole in choice) / len(choice)
            spellings.append((-score, rank, [(w, whole) for w, _s, whole in choice]))
    spellings.sort(key=lambda row: row[:2])
    return [(-score, parts) for score, _rank, parts in spellings[:CORRECTED_SPELLINGS]]


def _spelling_clause(parts: list[tuple[str, bool]]):
    """search_name starting with the words: a btree range, the last word whole when it was corrected."""
    prefix = " ".join(word for word, _whole in parts)
    if not parts[-1][1]:
        return Resident.search_name.like(_escape_like(prefix) + "%", escape="\\")
    # Whole word: the name is the prefix or goes on after a space (' ' sorts before '!', digits and letters).
    # A plain range (no LIKE) so the planner can only read the prefix btree, in order.
    if _is_postgresql():
        return (Resident.search_name.op("~>=~", is_comparison=True)(prefix)
                & Resident.search_name.op("~<~", is_comparison=True)(prefix + "!"))
    return (Resident.search_name >= prefix) & (Resident.search_name < prefix + "!")


def _corrected_matches(key: str, limit: int, exclude: set[int]) -> list[Resident]:
    """Tier 3: the names spelt with corrected words, each read in prefix-index order, best spelling first."""
    spellings = _spellings(key.split()[:6])
    if not spellings:
        return []
    order = literal_column("residents.search_name USING ~<~") if _is_postgresql() else Resident.search_name
    wanted = limit + len(exclude)
    parts = [db.select(Resident.id, Resident.search_name, literal_column(str(n)).label("spelling"))
             .where(live_clause(), _spelling_clause(words)).order_by(order, Resident.id).limit(wanted)
             for n, (_score, words) in enumerate(spellings)]
    rows = db.session.execute(db.union_all(*(p.subquery().select() for p in parts))).all()
    rows.sort(key=lambda row: (row.spelling, row.search_name, row.id))
    ids: list[int] = []
    for row in rows:
        if row.id not in exclude and row.id not in ids:
            ids.append(row.id)
    ids = ids[:limit]
    loaded = {r.id: r for r in db.session.execute(db.select(Resident).where(Resident.id.in_(ids))).scalars()}
    return [loaded[i] for i in ids if i in loaded]


def _trigram_matches_postgresql(key: str, limit: int, exclude: set[int]) -> list[Resident]:
    """A bounded set of trigram candidates (GIN), ranked in SQL; only the winners are loaded."""
    db.session.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
                       {"t": str(WORD_SIMILARITY_THRESHOLD)})
    candidates = (db.select(Resident.id, Resident.search_name)
                  .where(live_clause(), Resident.search_name.op("%>")(key)).limit(FUZZY_CANDIDATES).subquery())
    ranked = (db.select(candidates.c.id, candidates.c.search_name)
              .order_by(func.word_similarity(key, candidates.c.search_name).desc(),
                        func.similarity(key, candidates.c.search_name).desc(), candidates.c.search_name,
                        candidates.c.id)
              .limit(3 * limit + len(exclude)))
    rows = db.session.execute(ranked).all()
    ids = [row.id for row in rows if row.id not in exclude and covers(key, row.search_name)][:limit]
    loaded = {r.id: r for r in db.session.execute(db.select(Resident).where(Resident.id.in_(ids))).scalars()}
    return [loaded[i] for i in ids if i in loaded]


def _trigram_matches_sqlite(key: str, limit: int, exclude: set[int]) -> list[Resident]:
    """Candidates sharing a word's first two letters or a trigram, ranked in Python."""
    patterns = set()
    for word in key.split():
        patterns |= {f"{word[:2]}%", f"% {word[:2]}%"}
        patterns |= {f"%{word[i:i + 3]}%" for i in range(max(len(word) - 2, 0))}
    stmt = (db.select(Resident).where(live_clause(), or_(*(Resident.search_name.like(p) for p in patterns)))
            .limit(FUZZY_CANDIDATES))
    scored = []
    for resident in db.session.execute(stmt).scalars():
        if resident.id in exclude:
            continue
        score = word_similarity(key, resident.search_name)
        if score >= WORD_SIMILARITY_THRESHOLD and covers(key, resident.search_name):
            scored.append((-score, -similarity(key, resident.search_name), resident.search_name, resident.id,
                           resident))
    scored.sort(key=lambda row: row[:4])
    return [row[-1] for row in scored[:limit]]


def search_residents(q: str, limit: int = 20) -> list[Resident]:
    """Live residents matching what was typed, best match first.

    Raises SearchQueryError when the text is too short to search a name.
    """
    raw = (q or "").strip()[:200]
    found = _identifier_matches(raw, limit) if raw and may_be_identifier(raw) else []
    if found or "@" in raw or (looks_like_phone(raw) and not any(c.isalpha() for c in raw)):
        return found
    key = name_key(raw)
    if len(key.replace(" ", "")) < MIN_NAME_CHARS:
        raise SearchQueryError(f"Saisissez au moins {MIN_NAME_CHARS} caractères pour chercher un nom "
                               "(ou un téléphone, un e-mail, une référence).")
    found = _prefix_matches(key, limit)
    words = key.split()
    if 1 < len(words) <= 3:
        # "marie martin" typed first name first: the same prefix search, words reordered.
        for order in permutations(words):
            if len(found) >= limit:
                break
            if list(order) != words:
                seen = {r.id for r in found}
                found += [r for r in _prefix_matches(" ".join(order), limit) if r.id not in seen][:limit - len(found)]
    # A full name found as typed is the person sought; a single word may also be a typo of another name.
    if len(found) < limit and not (found and len(words) > 1):
        found += _corrected_matches(key, limit - len(found), {r.id for r in found})
    if not found:
        trigram = _trigram_matches_postgresql if _is_postgresql() else _trigram_matches_sqlite
        found = trigram(key, limit, set())
    return found


def resident_tickets(resident_id: int) -> list:
    """Every ticket of the resident, all channels: open ones first, then newest first."""
    is_open = case((Ticket.status.in_(OPEN_STATUSES), 0), else_=1)
    stmt = (db.select(Ticket).where(Ticket.resident_id == resident_id)
            .order_by(is_open, Ticket.opened_at.desc(), Ticket.id.desc()))
    return list(db.session.execute(stmt).scalars())


def latest_change_id(resident_id: int) -> int:
    """The id of the resident's latest history entry (0 when none): what an edit form has seen."""
    stmt = db.select(func.max(ResidentChange.id)).where(ResidentChange.resident_id == resident_id)
    return db.session.execute(stmt).scalar() or 0


def resident_history(resident_id: int, after_id: int = 0) -> list:
    """The resident's change history, newest first (only entries after `after_id` when given)."""
    stmt = (db.select(ResidentChange).where(ResidentChange.resident_id == resident_id, ResidentChange.id > after_id)
            .order_by(ResidentChange.id.desc()))
    return list(db.session.execute(stmt).scalars())


def records_merged_into(resident_id: int) -> list[Resident]:
    """Records merged into this one, directly or through a chain: they hold the same person's identity."""
    found, frontier = [], [resident_id]
    while frontier:
        rows = list(db.session.execute(db.select(Resident).where(Resident.merged_into_id.in_(frontier))).scalars())
        found += rows
        frontier = [row.id for row in rows]
    return found
