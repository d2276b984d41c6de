"""Card numbers must never be stored: find them in free text.

A card number is 13 to 19 digits, possibly grouped by spaces or dashes, that passes the Luhn check.
"""

import re

# Runs of digit groups separated by a single space or dash, e.g. "4111 1111-1111 1111".
_RUN = re.compile(r"\d+(?:[ \-]\d+)*")


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
    """True when `text` holds a 13–19 digit Luhn-valid number (spaces or dashes allowed between digits).

    Within a run of digit groups, every sequence of whole consecutive groups of 13 to 19 digits is
    checked, so a card number followed by a year or preceded by a code is still found, while a 16-digit
    number failing Luhn is not cut into a shorter one that happens to pass.
    """
    if not text:
        return False
    for match in _RUN.finditer(text):
        groups = re.split(r"[ \-]", match.group())
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and luhn_valid(digits) and _plausible(digits):
                    return True
    return False


def _plausible(digits: str) -> bool:
    """Exclude runs of one repeated digit (e.g. 0000000000000), which pass Luhn but are no card."""
    return len(set(digits)) > 1


CARD_NUMBER_MESSAGE = ("Ce champ semble contenir un numéro de carte bancaire : il ne doit jamais être saisi. "
                       "Retirez-le avant d'enregistrer.")
