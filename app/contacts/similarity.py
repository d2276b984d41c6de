"""Trigram similarity computed in Python, as PostgreSQL's pg_trgm does, for the SQLite fallback.

`similarity` is pg_trgm's `similarity()`; `word_similarity` approximates its `word_similarity()`
(the best match of the query against a run of consecutive words), so both databases rank alike.
"""

import re

_WORD = re.compile(r"[a-z0-9]+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams of both strings (0 to 1)."""
    return _jaccard(trigrams(a), trigrams(b))


def word_similarity(query: str, text: str) -> float:
    """The best similarity between the query and any run of consecutive words of `text`."""
    wanted = trigrams(query)
    words = _WORD.findall(text.lower())
    best = 0.0
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            best = max(best, _jaccard(wanted, trigrams(" ".join(words[start:end]))))
    return best
