"""French collation for every list of names and labels people read (« Déclaration » before « Dossier »).

Databases sort by bytes or by their server locale (often C): lists shown to people are sorted here,
in Python, with the order of a French dictionary — letters first, ignoring case and accents, then
accents, then case — so the same list reads the same on SQLite and PostgreSQL.
"""

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def french_key(text) -> tuple[str, str, str]:
    """A sort key: base letters (no case, no accents), then accents, then case."""
    text = str(text or "").translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return base, decomposed.casefold(), text


def sorted_french(items: Iterable[T], key: Callable[[T], object] = str) -> list[T]:
    """`items` sorted by the French collation of `key(item)`."""
    return sorted(items, key=lambda item: french_key(key(item)))
