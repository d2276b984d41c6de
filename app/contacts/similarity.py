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


WORD_MATCH = 0.4  # "lefebvre" against "lefevre" scores 0.55


def covers(query: str, text: str) -> bool:
    """Each word typed matches its own word of `text`: as its start, or closely (a typo).

    So a second word narrows: "martin mar" keeps "martin marie" and drops "martin paul".
    """
    words = _WORD.findall(text.lower())
    typed = _WORD.findall(query.lower())[:6]

    def match(index: int, used: frozenset) -> bool:
        if index == len(typed):
            return True
        return any(i not in used and (word.startswith(typed[index]) or similarity(typed[index], word) >= WORD_MATCH)
                   and match(index + 1, used | {i}) for i, word in enumerate(words))

    return match(0, frozenset())
