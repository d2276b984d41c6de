"""Finding residents: the search box.

Search is tiered so that it stays fast on millions of rows (PostgreSQL):
1. identifiers (phone in any format, email, compte parisien reference, family number): exact, indexed;
2. names: the normalised name starting with what was typed, read in index order (LIMIT, no sort);
3. names, typo-tolerant: each typed word corrected against the distinct name words (`namewords`), then
   tier 2 again with the corrected words, best corrections first;
4. only when nothing at all was found (a word inside a compound name, a far typo): pg_trgm word
   similarity over the residents (GIN index), the slow tier, kept as a last resort.
On SQLite, corrections and tier 4 are ranked in Python with the same trigram measure.

Cost per search (issue 19): results are read as rows (`FoundResident`), never as ORM entities; each
statement is built once per process with bound parameters (no SQL construction nor compilation per
search); tiers 1 and 2 go in one statement (the identifier look-ups only when the text may be one, every
ordering of the typed words beside), tier 3 in one statement after its word look-up.
"""

from functools import cache
from itertools import permutations, product

from sqlalchemy import Integer, String, all_, any_, bindparam, func, literal_column, or_, text
from sqlalchemy.dialects.postgresql import ARRAY

from app.contacts.models import Resident
from app.contacts.namewords import correct_words
from app.contacts.normalise import (
    ContactValueError,
    identifier_spellings,
    looks_like_phone,
    name_key,
    normalise_email,
    normalise_phone,
)
from app.contacts.queries import (
    SHOWN_COLUMNS,
    FoundResident,
    SearchQueryError,
    found_row,
    get_live_resident,
    is_postgresql,
    live_clause,
    prebuilt_rows,
)
from app.contacts.similarity import covers, similarity, word_similarity
from app.digits import foreign_digits_message
from app.extensions import db

MIN_NAME_CHARS = 3
WORD_SIMILARITY_THRESHOLD = 0.5  # "lefebvre" against "lefevre marie" scores 0.55
FUZZY_CANDIDATES = 2000  # rows the typo-tolerant tier may rank, at most (bounds a very common name)
CORRECTED_SPELLINGS = 8  # spellings (corrected words, in some order) tier 3 reads, best first

# What a result list shows of a resident: the columns every search statement reads first, in this order.


def may_be_identifier(text: str) -> bool:
    """False for words with spaces and no digit ("martin claire"): no e-mail, phone or reference looks so."""
    return "@" in text or any(c.isdigit() for c in text) or not any(c.isspace() for c in text)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_order(postgresql: bool):
    """The order of the (search_name, id) prefix index: text_pattern_ops on PostgreSQL (byte order)."""
    if postgresql:
        return literal_column("residents.search_name USING ~<~"), Resident.id
    return Resident.search_name, Resident.id


def _in_list(column, name: str, postgresql: bool):
    """`column` among the values of list parameter `name`: `= ANY(array)` on PostgreSQL (one statement text
    whatever the count), an expanding IN elsewhere."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(String)))
    return column.in_(bindparam(name, expanding=True))


# --- Tiers 1 and 2: one statement -------------------------------------------------------------------------------
# Each part of the UNION ALL carries its number (`part`) and, for the identifier part, its rank in that part's
# order (`rank`, the database's collation); name parts are ordered afterwards by (search_name, id), which for
# normalised names ([a-z0-9 ]) is the byte order of their index.

@cache
def _first_statement(postgresql: bool, identifiers: tuple[bool, bool] | None, orderings: int):
    """Identifier look-ups (`identifiers` = (email, phone) conditions, or None: no look-up) and the name
    prefix of each of `orderings` orderings of the typed words (0: none), as one statement."""
    parts = []
    if identifiers is not None:
        email, phone = identifiers
        spellings = ("spellings", postgresql)
        conditions = [_in_list(Resident.account_ref, *spellings), _in_list(Resident.family_number, *spellings)]
        if email:
            conditions.append(Resident.email == bindparam("email"))
        if phone:
            conditions += [Resident.phone == bindparam("phone"), Resident.phone_alt == bindparam("phone")]
        # One indexed lookup per condition (a UNION keeps each on its own index). Merged records count:
        # their identifiers lead to the survivor.
        not_anonymised = Resident.anonymised_at.is_(None)
        ids = db.union(*(db.select(Resident.id).where(not_anonymised, c) for c in conditions)).subquery()
        order = (Resident.search_name, Resident.id)
        parts.append(db.select(*SHOWN_COLUMNS, Resident.merged_into_id, Resident.search_name,
                               literal_column("0").label("part"), func.row_number().over(order_by=order).label("rank"))
                     .where(Resident.id.in_(db.select(ids.c.id))).order_by(*order).limit(bindparam("limit")))
    for n in range(orderings):
        parts.append(db.select(*SHOWN_COLUMNS, Resident.merged_into_id, Resident.search_name,
                               literal_column(str(n + 1)).label("part"), literal_column("0").label("rank"))
                     .where(live_clause(), Resident.search_name.like(bindparam(f"prefix_{n}"), escape="\\"))
                     .order_by(*_name_order(postgresql)).limit(bindparam("limit")))
    if len(parts) == 1:
        return parts[0]
    return db.union_all(*(p.subquery().select() for p in parts))


def _identifier_parameters(raw: str) -> tuple[tuple[bool, bool], dict]:
    """The shape of the identifier look-ups for `raw` (e-mail, phone conditions) and their parameters."""
    parameters = {"spellings": sorted(identifier_spellings(raw))}
    if "@" in raw:
        try:
            parameters["email"] = normalise_email(raw)
        except ContactValueError:
            parameters["email"] = raw.lower()
    if looks_like_phone(raw):
        try:
            number = normalise_phone(raw)
        except ContactValueError:
            number = None
        if number:
            parameters["phone"] = number
    return ("email" in parameters, "phone" in parameters), parameters


def _identifier_results(rows) -> list[FoundResident]:
    """Identifier matches in their order; a merged record gives its live survivor (once)."""
    found: dict[int, FoundResident] = {}
    for row in sorted(rows, key=lambda r: r.rank):
        if row.merged_into_id is None:
            found.setdefault(row.id, found_row(row))
            continue
        live = get_live_resident(row.id)
        if live is not None and live.anonymised_at is None:
            found.setdefault(live.id, FoundResident.of(live))
    return list(found.values())


def _orderings(words: list[str]) -> list[list[str]]:
    """The typed words as typed, then (2 or 3 words: "marie martin" typed first name first) reordered."""
    orders = [words]
    if 1 < len(words) <= 3:
        for order in permutations(words):
            if list(order) not in orders:
                orders.append(list(order))
    return orders


# --- Tier 3 -------------------------------------------------------------------------------------------------------

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


def _spelling_clause(n: int, whole: bool, postgresql: bool):
    """search_name starting with spelling n's words (parameter `spelling_n`): a btree range, the last word
    whole when it was corrected."""
    if not whole:
        return Resident.search_name.like(bindparam(f"spelling_{n}"), escape="\\")
    # Whole word: the name is the prefix or goes on after a space (' ' sorts before '!', digits and letters).
    # A plain range (no LIKE) so the planner can only read the prefix btree, in order.
    low, high = bindparam(f"spelling_{n}"), bindparam(f"spelling_{n}_end")
    if postgresql:
        return (Resident.search_name.op("~>=~", is_comparison=True)(low)
                & Resident.search_name.op("~<~", is_comparison=True)(high))
    return (Resident.search_name >= low) & (Resident.search_name < high)


@cache
def _corrected_statement(postgresql: bool, wholes: tuple[bool, ...]):
    """Each spelling read in prefix-index order (`wanted` rows each); each resident once with its best
    spelling, not among `exclude`, best spelling then name order; `limit` of them with the shown columns."""
    parts = [db.select(Resident.id, Resident.search_name, literal_column(str(n)).label("spelling"))
             .where(live_clause(), _spelling_clause(n, whole, postgresql))
             .order_by(*_name_order(postgresql)).limit(bindparam("wanted"))
             for n, whole in enumerate(wholes)]
    read = (db.union_all(*(p.subquery().select() for p in parts)) if len(parts) > 1 else parts[0]).subquery()
    excluded = (read.c.id != all_(bindparam("exclude", type_=ARRAY(Integer))) if postgresql
                else read.c.id.not_in(bindparam("exclude", expanding=True)))
    name_order = read.c.search_name.collate("C" if postgresql else "BINARY")
    best = (db.select(read.c.id, read.c.search_name, func.min(read.c.spelling).label("spelling"))
            .where(excluded).group_by(read.c.id, read.c.search_name)
            .order_by(func.min(read.c.spelling), name_order, read.c.id).limit(bindparam("limit")).subquery())
    return (db.select(*SHOWN_COLUMNS).join_from(best, Resident, Resident.id == best.c.id)
            .order_by(best.c.spelling, best.c.search_name.collate("C" if postgresql else "BINARY"), best.c.id))


def _corrected_matches(key: str, limit: int, exclude: set[int], postgresql: bool) -> list[FoundResident]:
    """Tier 3: the names spelt with corrected words, each read in prefix-index order, best spelling first."""
    spellings = _spellings(key.split()[:6])
    if not spellings:
        return []
    parameters = {"wanted": limit + len(exclude), "limit": limit, "exclude": sorted(exclude)}
    for n, (_score, words) in enumerate(spellings):
        prefix = " ".join(word for word, _whole in words)
        if words[-1][1]:
            parameters[f"spelling_{n}"], parameters[f"spelling_{n}_end"] = prefix, prefix + "!"
        else:
            parameters[f"spelling_{n}"] = _escape_like(prefix) + "%"
    statement = _corrected_statement(postgresql, tuple(words[-1][1] for _score, words in spellings))
    return [found_row(row) for row in prebuilt_rows(statement, parameters)]


# --- Tier 4 -------------------------------------------------------------------------------------------------------

@cache
def _trigram_statement():
    """A bounded set of trigram candidates (GIN), ranked in SQL, with the shown columns of the best ones."""
    key = bindparam("key")
    candidates = (db.select(Resident.id, Resident.search_name)
                  .where(live_clause(), Resident.search_name.op("%>")(key)).limit(FUZZY_CANDIDATES).subquery())
    ranking = (func.word_similarity(key, candidates.c.search_name).desc(),
               func.similarity(key, candidates.c.search_name).desc(), candidates.c.search_name, candidates.c.id)
    ranked = (db.select(candidates.c.id, candidates.c.search_name)
              .order_by(*ranking).limit(bindparam("wanted")).subquery())
    return (db.select(*SHOWN_COLUMNS, Resident.search_name).join_from(ranked, Resident, Resident.id == ranked.c.id)
            .order_by(func.word_similarity(key, ranked.c.search_name).desc(),
                      func.similarity(key, ranked.c.search_name).desc(), ranked.c.search_name, ranked.c.id))


def _trigram_matches_postgresql(key: str, limit: int, exclude: set[int]) -> list[FoundResident]:
    """A bounded set of trigram candidates (GIN), ranked in SQL; only the winners are read."""
    db.session.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
                       {"t": str(WORD_SIMILARITY_THRESHOLD)})
    rows = prebuilt_rows(_trigram_statement(), {"key": key, "wanted": 3 * limit + len(exclude)})
    return [found_row(row) for row in rows if row.id not in exclude and covers(key, row.search_name)][:limit]


def _trigram_matches_sqlite(key: str, limit: int, exclude: set[int]) -> list[FoundResident]:
    """Candidates sharing a word's first two letters or a trigram, ranked in Python."""
    patterns = set()
    for word in key.split():
        patterns |= {f"{word[:2]}%", f"% {word[:2]}%"}
        patterns |= {f"%{word[i:i + 3]}%" for i in range(max(len(word) - 2, 0))}
    stmt = (db.select(*SHOWN_COLUMNS, Resident.search_name)
            .where(live_clause(), or_(*(Resident.search_name.like(p) for p in patterns))).limit(FUZZY_CANDIDATES))
    scored = []
    for row in prebuilt_rows(stmt, {}):
        if row.id in exclude:
            continue
        score = word_similarity(key, row.search_name)
        if score >= WORD_SIMILARITY_THRESHOLD and covers(key, row.search_name):
            scored.append((-score, -similarity(key, row.search_name), row.search_name, row.id, row))
    scored.sort(key=lambda entry: entry[:4])
    return [found_row(entry[-1]) for entry in scored[:limit]]


def search_residents(q: str, limit: int = 20) -> list[FoundResident]:
    """Live residents matching what was typed, best match first.

    Raises SearchQueryError when the text is too short to search a name, or holds digits other than 0-9
    ('²', '①', '１２': a typo or another keyboard; no identifier is written so).
    """
    raw = (q or "").strip()[:200]
    foreign = foreign_digits_message(raw, "Recherche")
    if foreign:
        raise SearchQueryError(foreign)
    postgresql = is_postgresql()
    identifiers, parameters = _identifier_parameters(raw) if raw and may_be_identifier(raw) else (None, {})
    only_identifiers = "@" in raw or (looks_like_phone(raw) and not any(c.isalpha() for c in raw))
    key = name_key(raw)
    name_searched = not only_identifiers and len(key.replace(" ", "")) >= MIN_NAME_CHARS
    words = key.split()
    orders = _orderings(words) if name_searched else []
    rows = []
    if identifiers is not None or orders:
        parameters.update({f"prefix_{n}": _escape_like(" ".join(order)) + "%" for n, order in enumerate(orders)},
                          limit=limit)
        rows = prebuilt_rows(_first_statement(postgresql, identifiers, len(orders)), parameters)
    found = _identifier_results([r for r in rows if r.part == 0]) if identifiers is not None else []
    if found or only_identifiers:
        return found
    if not name_searched:
        raise SearchQueryError(f"Saisissez au moins {MIN_NAME_CHARS} caractères pour chercher un nom "
                               "(ou un téléphone, un e-mail, une référence).")
    by_part: dict[int, list] = {}
    for row in rows:
        if row.part:
            by_part.setdefault(row.part, []).append(row)
    seen: set[int] = set()
    for part in range(1, len(orders) + 1):
        if len(found) >= limit:
            break
        for row in sorted(by_part.get(part, ()), key=lambda r: (r.search_name, r.id)):
            if row.id not in seen and len(found) < limit:
                seen.add(row.id)
                found.append(found_row(row))
    # A full name found as typed is the person sought; a single word may also be a typo of another name.
    if len(found) < limit and not (found and len(words) > 1):
        found += _corrected_matches(key, limit - len(found), seen, postgresql)
    if not found:
        found = (_trigram_matches_postgresql if postgresql else _trigram_matches_sqlite)(key, limit, set())
    return found
