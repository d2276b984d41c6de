"""Card numbers must never be stored: find them in free text.

A card number is 13 to 19 digits, possibly grouped by spaces or dashes, that passes the Luhn check.
"""

import re

# Digits separated by at most one space or dash; the match is then checked digit count + Luhn.
_CANDIDATE = re.compile(r"(?<!\d)\d(?:[ \-]?\d){12,18}(?!\d)")


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def contains_card_number(text: str | None) -> bool:
    """True when `text` holds a 13–19 digit Luhn-valid number (spaces or dashes allowed between digits)."""
    if not text:
        return False
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        # A longer run may hide a card number inside it: try every 13–19 digit window.
        for length in range(13, min(19, len(digits)) + 1):
            for start in range(0, len(digits) - length + 1):
                if luhn_valid(digits[start:start + length]) and _plausible(digits[start:start + length]):
                    return True
    return False


def _plausible(digits: str) -> bool:
    """Exclude runs of one repeated digit (e.g. 0000000000000), which pass Luhn but are no card."""
    return len(set(digits)) > 1


CARD_NUMBER_MESSAGE = ("Ce champ semble contenir un numéro de carte bancaire : il ne doit jamais être saisi. "
                       "Retirez-le avant d'enregistrer.")
