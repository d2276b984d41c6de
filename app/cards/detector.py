"""Card numbers must never be stored: the one detector every path uses (forms, services, imports,
bulk writes, the storage guard, logs, audit masking and the `privacy scan-cards` command).

The rules, in order:

1. **Normalise.** Unicode NFKC (full-width digits, superscripts, circled digits, non-breaking and narrow
   spaces become their plain forms), every other decimal digit (Arabic-Indic, Devanagari…) becomes its
   ASCII digit, and zero-width, format and combining characters (U+200B, U+2060, U+00AD, U+FEFF, keycap
   marks…) are dropped.
2. **Runs of digit groups.** Digit groups joined by a short run (1 to `MAX_SEPARATORS` characters) of
   anything that is neither a letter nor a digit — whitespace of any kind, punctuation, symbols
   (``| + ~ # ' ( )``…), control characters, mixed — form one candidate run. Letters end a run:
   ``4111 1111 1111 1111 exp 12/27 cvv 123`` is one run of four groups followed by others.
3. **Candidates.** Every sequence of *whole consecutive groups* of 12 to 19 digits within a run: a card
   followed by a date or preceded by a code is found; a number is never cut inside a group.
4. **A card number** is a candidate that passes Luhn **and** starts with an issuer prefix at a length
   that issuer uses (`ISSUERS` below; CB cards are co-badged on Visa or Mastercard ranges), whatever
   the grouping (pairs, threes, fours, single digits).
5. **Look-alikes that are no card** (each checked with its own rule, so detection is not weakened):
   a valid IBAN (ISO 13616 mod-97) and a machine-written instant (``2026-12-08T23:36:20.512345+00:00``,
   a time with seconds) are set aside before the search. French phone numbers: a run that
   splits *entirely* into French phone numbers (``06 12 34 56 78 06 54 32 10 98``, ``+33 6 12 34 56 78``,
   ``01.45.55.38.22 / 06.51.36.21.47``) holds no card; elsewhere a phone number inside a run only
   stops a candidate that cuts it (starts or ends inside it, as ``06 51 36 21 47 75012`` read from
   its second pair would), never one that holds it whole — so a card written in pairs, whose pairs
   may look like a phone number (``51 21 03 51 80 66 12 16``), is found. A phone number is recognised
   by its digits (`french_phone_digits`): 0 then 9 digits, 33 / 0033 / 33 0 then 9 digits, or an
   overseas code then 9 digits, its first group starting the number. A 14-digit candidate written as
   a SIRET (``732 829 320 00074``: groups of 3-3-3-5 or 9-5) or right after the word SIRET/SIREN is a
   SIRET (Luhn-valid by design) even where a Diners number could have that length. SIREN (9 digits)
   and IMEI (15 digits, Luhn-valid, prefixes 01/35/86/99…) fail rule 4 by length or prefix.

`might_contain_card_number` is the cheap pre-filter (fewer than 12 digits: no card); the other
functions call it first, so callers need no pre-filter of their own.
"""

import re
import unicodedata

from wtforms.validators import ValidationError

CARD_MASK = "[numéro de carte masqué]"
CARD_NUMBER_MESSAGE = ("Ce champ semble contenir un numéro de carte bancaire : il ne doit jamais être saisi. "
                       "Retirez-le avant d'enregistrer.")

MIN_DIGITS, MAX_DIGITS = 12, 19
MAX_SEPARATORS = 6

# Issuer identification numbers: (first prefix, last prefix, lengths). Source: the IIN table of the
# English Wikipedia article "Payment card number" (section "Issuer identification number", as
# published by the networks), cross-checked with the maintained data of braintree/credit-card-type
# (src/lib/card-types.ts) for the Mastercard 2-series and the Diners ranges and lengths. Only the
# networks accepted in France are listed; a range is compared on its own prefix length.
MAESTRO_LENGTHS = tuple(range(12, 20))
ISSUERS = (
    ("Visa", "4", "4", (13, 16, 19)),
    ("Mastercard", "51", "55", (16,)),
    ("Mastercard", "2221", "2720", (16,)),
    ("American Express", "34", "34", (15,)),
    ("American Express", "37", "37", (15,)),
    ("Diners Club", "300", "305", (14, 16, 19)),
    ("Diners Club", "3095", "3095", (14, 16, 19)),
    ("Diners Club", "36", "36", (14, 16, 19)),
    ("Diners Club", "38", "39", (14, 16, 19)),
    ("Discover", "6011", "6011", (16, 17, 18, 19)),
    ("Discover", "644", "649", (16, 17, 18, 19)),
    ("Discover", "65", "65", (16, 17, 18, 19)),
    ("JCB", "3528", "3589", (16, 17, 18, 19)),
    ("UnionPay", "62", "62", (16, 17, 18, 19)),
    ("UnionPay", "8110", "8171", (16, 17, 18, 19)),
    ("Maestro", "5018", "5018", MAESTRO_LENGTHS),
    ("Maestro", "5020", "5020", MAESTRO_LENGTHS),
    ("Maestro", "5038", "5038", MAESTRO_LENGTHS),
    ("Maestro", "5893", "5893", MAESTRO_LENGTHS),
    ("Maestro", "6304", "6304", MAESTRO_LENGTHS),
    ("Maestro", "6759", "6759", MAESTRO_LENGTHS),
    ("Maestro", "6761", "6763", MAESTRO_LENGTHS),
    ("Maestro", "676770", "676770", MAESTRO_LENGTHS),
    ("Maestro", "676774", "676774", MAESTRO_LENGTHS),
    ("Mir", "2200", "2204", (16, 17, 18, 19)),
)

_FIRST_DIGITS = "234568"  # first digits of the prefixes above: a candidate starting otherwise is no card
# After normalisation every digit is ASCII: a separator is any character that is neither a letter nor a
# digit (`\W` is Unicode-aware; `_` is a word character for `re`, so it is added).
_RUN = re.compile(rf"[0-9]+(?:[\W_]{{1,{MAX_SEPARATORS}}}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
# Characters that may become a digit once normalised: anything but ASCII, accented Latin letters and the
# usual French punctuation (the superscripts, fractions, full-width and other scripts' digits stay in).
_MAYBE_DIGIT = re.compile("[^\x00-\x7f\u00c0-\u024f\u00a0\u00ab\u00bb\u00b0\u2018-\u201f\u2026\u202f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")
# Machine-written instants (ISO 8601 date and time, a time with seconds), whose offset `+00:00` or
# microseconds would otherwise join a time to more digits: `…T23:36:20.512345+00:00`.
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.,][0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?"
_INSTANT = re.compile(rf"(?<![0-9:.+-])(?:[0-9]{{4}}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[T ])?{_TIME}"
                      r"(?![0-9:.,+-])")
_SIRET_WORD = re.compile(r"sire[nt]\W{0,6}(?:n[°o]\W{0,3})?$", re.IGNORECASE)
_DIGEST = re.compile(r"(?:[0-9a-f]{40,}|(?:pbkdf2|scrypt):\S+|\$argon2\w*\$\S+)")  # hex digests, password hashes
_DROPPED = {"Cf", "Mn", "Me"}
# IBAN lengths by country (ISO 13616 registry, SWIFT): SEPA countries and France's neighbours.
IBAN_LENGTHS = {"AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DZ": 26,
                "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
                "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MT": 31,
                "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
                "SN": 28, "TN": 24, "TR": 26}
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        total += _DOUBLED[int(char)] if index % 2 else int(char)
    return total % 10 == 0


def issuer_of(digits: str) -> str | None:
    """The network whose prefix and length `digits` matches, or None."""
    for name, low, high, lengths in ISSUERS:
        if len(digits) in lengths and low <= digits[:len(low)] <= high:
            return name
    return None


def is_card_number(digits: str) -> bool:
    """True for a plain digit string that is a card number (length, issuer prefix, Luhn)."""
    return MIN_DIGITS <= len(digits) <= MAX_DIGITS and issuer_of(digits) is not None and luhn_valid(digits)


def might_contain_card_number(text) -> bool:
    """Cheap pre-filter: False when `text` cannot hold a card number (fewer than 12 digits once normalised)."""
    if not text or not isinstance(text, str):
        return False
    digits = sum(map(text.count, "0123456789"))
    if digits >= MIN_DIGITS or text.isascii():
        return digits >= MIN_DIGITS
    return digits + len(_MAYBE_DIGIT.findall(text)) >= MIN_DIGITS


def looks_like_digest(text: str) -> bool:
    """A machine token (a lowercase hex digest of 40+ characters, an Argon2 or werkzeug hash) is no typed
    text: guard and scan leave it alone (one in a few hundred digests would otherwise look like a card)."""
    return bool(_DIGEST.fullmatch(text))


def _plain_character(match) -> str:
    category = unicodedata.category(match.group())
    if category in _DROPPED:
        return ""
    return str(unicodedata.decimal(match.group())) if category == "Nd" else match.group()


def _normalised(text: str) -> str:
    """The text the rules read (rule 1), for detection only (`_normalise` also keeps the origins)."""
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else _NON_ASCII.sub(_plain_character, text)


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The text the rules read, and for each of its characters the index it came from (None: same)."""
    if text.isascii():
        return text, None
    chars, origins = [], []
    for index, char in enumerate(text):
        for piece in (char if char.isascii() else unicodedata.normalize("NFKC", char)):
            category = unicodedata.category(piece)
            if category in _DROPPED:
                continue
            if category == "Nd":
                piece = str(unicodedata.decimal(piece))
            chars.append(piece)
            origins.append(index)
    return "".join(chars), origins


def _mod97_valid(alnum: str) -> bool:
    number = "".join(str(int(c, 36)) for c in alnum[4:] + alnum[:4])
    return int(number) % 97 == 1


def _blank_ibans(text: str) -> str:
    """`text` with every valid IBAN (spaced or not) replaced by as many `X`: its digits are no card (a
    letter, so the blanked IBAN also ends the runs around it)."""
    for start in _IBAN_START.finditer(text):
        size = IBAN_LENGTHS.get(start.group()[:2].upper())
        if size is None:
            continue
        alnum, ends, position = [], [], start.start()
        while position < len(text) and len(alnum) < size:
            char = text[position]
            if char.isascii() and char.isalnum():
                alnum.append(char.upper())
                ends.append(position + 1)
            elif char not in " -" or (position + 1 < len(text) and not text[position + 1].isalnum()):
                break
            position += 1
        if len(alnum) == size and _mod97_valid("".join(alnum)):
            text = text[:start.start()] + "X" * (ends[-1] - start.start()) + text[ends[-1]:]
    return text


# Country codes whose numbers follow the French plan of 9 national digits: France and its overseas
# departments and collectivities (Réunion and Mayotte 262, Saint-Pierre 508, Guadeloupe 590, Guyane 594,
# Martinique 596).
FRENCH_COUNTRY_CODES = ("33", "262", "508", "590", "594", "596")
_FRENCH_PHONE = re.compile(rf"0[1-9][0-9]{{8}}|(?:00)?(?:{'|'.join(FRENCH_COUNTRY_CODES)})0?[1-9][0-9]{{8}}")
_LONGEST_PHONE = 2 + 3 + 1 + 9  # 00 + country code + (0) + 9 digits


def french_phone_digits(digits: str) -> bool:
    """True when a digit string is a French phone number as people write it: 0 and 9 digits, or a French
    or overseas country code (with 00, and the (0) some write after it) and 9 digits."""
    return bool(_FRENCH_PHONE.fullmatch(digits))


def _phone_segments(values: list[str]) -> list[tuple[int, int]]:
    """(first, last) group indexes of every French phone number in a run, its first group starting it."""
    segments = []
    for first in range(len(values)):
        if values[first][0] not in "0235":  # 0…, 33…, 262…, 508…, 59x…
            continue
        digits = ""
        for last in range(first, len(values)):
            digits += values[last]
            if len(digits) > _LONGEST_PHONE:
                break
            if french_phone_digits(digits):
                segments.append((first, last))
    return segments


def _splits_into_phones(size: int, segments: list[tuple[int, int]]) -> bool:
    """True when groups 0..size-1 are exactly a sequence of the phone `segments`, end to end."""
    reached = {0}
    for first, last in sorted(segments):
        if first in reached:
            reached.add(last + 1)
    return size in reached


def _cuts_a_phone(first: int, last: int, segments: list[tuple[int, int]]) -> bool:
    """True when candidate groups first..last overlap a phone number without holding it whole."""
    return any(start <= last and end >= first and not (first <= start and end <= last)
               for start, end in segments)


def _blank_instants(text: str) -> str:
    """`text` with every machine-written instant replaced by as many `X`: its digits are no card."""
    return _INSTANT.sub(lambda match: "X" * len(match.group()), text)


def _siret(sizes: list[int], after_siret_word: bool) -> bool:
    return sum(sizes) == 14 and (after_siret_word or sizes in ([3, 3, 3, 5], [9, 5]))


def _card_spans(text: str):
    """(start, end) of each card number in the normalised `text`, longest candidate first at each start."""
    work = _blank_ibans(text) if _IBAN_START.search(text) else text
    work = _blank_instants(work) if ":" in work else work
    for run in _RUN.finditer(work):
        if len(run.group()) < MIN_DIGITS:
            continue
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group()) for m in _GROUP.finditer(run.group())]
        values = [g[2] for g in groups]
        phones = _phone_segments(values)
        if phones and _splits_into_phones(len(values), phones):
            continue
        after_siret_word = bool(_SIRET_WORD.search(work[max(0, run.start() - 16):run.start()]))
        first = 0
        while first < len(groups):
            if values[first][0] not in _FIRST_DIGITS:
                first += 1
                continue
            found, digits = None, ""
            for last in range(first, len(groups)):
                digits += values[last]
                if len(digits) > MAX_DIGITS:
                    break
                if (is_card_number(digits) and not _cuts_a_phone(first, last, phones)
                        and not _siret([len(v) for v in values[first:last + 1]], after_siret_word and first == 0)):
                    found = last
            if found is None:
                first += 1
                continue
            yield groups[first][0], groups[found][1]
            first = found + 1


def contains_card_number(text) -> bool:
    """True when `text` holds a card number under the rules of this module's docstring."""
    if not might_contain_card_number(text):
        return False
    return next(_card_spans(_normalised(text)), None) is not None


def mask_card_numbers(text):
    """`text` with each card number replaced by CARD_MASK (anything else kept as it is)."""
    if not might_contain_card_number(text):
        return text
    normalised, origins = _normalise(text)
    spans = list(_card_spans(normalised))
    for start, end in reversed(spans):
        if origins is not None:
            start, end = origins[start], origins[end - 1] + 1
        text = text[:start] + CARD_MASK + text[end:]
    return text


def card_number_message(label: str) -> str:
    """The message shown on a field holding a card number: it names the field, never the value."""
    return f"{label} : {CARD_NUMBER_MESSAGE}"


def refuse_card_number(_form, field) -> None:
    """WTForms validator: refuse a card number in this field, naming the field (never echoing the value)."""
    if isinstance(field.data, str) and contains_card_number(field.data):
        field.data = mask_card_numbers(field.data)  # the page shows the rest of the text, not the number
        raise ValidationError(card_number_message(field.label.text))
