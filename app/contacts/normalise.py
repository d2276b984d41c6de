"""Normalising what agents type: names for search, phone numbers to E.164, emails."""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from unidecode import unidecode


class ContactValueError(ValueError):
    """A value that cannot be a name, phone or email; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def name_key(*parts: str | None) -> str:
    """'Lefèvre-Müller', 'Marie' -> 'lefevre muller marie': lower case, no accents, no punctuation."""
    text = " ".join(p for p in parts if p)
    text = unidecode(text).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


# Overseas departments and communities whose numbers are dialled from Paris in the national format
# (0693…, 0590…): the French numbering plan, with their own country codes (+262, +590…).
OVERSEAS_REGIONS = ("RE", "YT", "GP", "BL", "MF", "MQ", "GF", "PM")
OVERSEAS_CODES = (262, 508, 590, 594, 596)


def _parse_french(raw: str):
    """The number as typed in France: metropolitan first, then the overseas regions of the national plan."""
    number = phonenumbers.parse(raw, "FR")
    if phonenumbers.is_valid_number(number) or raw.strip().startswith(("+", "00")):
        return number
    for region in OVERSEAS_REGIONS:
        overseas = phonenumbers.parse(raw, region)
        if phonenumbers.is_valid_number(overseas):
            return overseas
    return number


def normalise_phone(raw: str | None, field: str = "phone") -> str | None:
    """'06 12 34 56 78' or '+33612345678' -> '+33612345678'; '06 93 30 52 13' (Réunion) -> '+262693305213'.

    None when empty; a ContactValueError naming the field when it is no phone number.
    """
    if raw is None or not raw.strip():
        return None
    try:
        number = _parse_french(raw)
    except phonenumbers.NumberParseException as exc:
        raise ContactValueError(field, f"« {raw[:40]} » n'est pas un numéro de téléphone.") from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ContactValueError(field, f"« {raw[:40]} » n'est pas un numéro de téléphone valide.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    """True when the text is mostly digits, as a phone number typed in any format."""
    digits = re.sub(r"\D", "", text)
    return len(digits) >= 6 and len(digits) >= len(re.sub(r"[\s.\-+()]", "", text)) - 1


def display_phone(e164: str | None) -> str:
    """'+33612345678' -> '06 12 34 56 78', '+262693305213' -> '0693 30 52 13' (as dialled from Paris)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33 or number.country_code in OVERSEAS_CODES:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_IDENTIFIER = re.compile(r"([A-Z]{1,4})?[\s\-_./]*(\d{3,})")
# The prefixes of the City's identifiers: compte parisien references, Facil'Familles family numbers.
IDENTIFIER_PREFIXES = ("CP", "FF")


def identifier_spellings(raw: str) -> set[str]:
    """The ways a reference or family number may be stored, from what was typed.

    'ff 200029', 'FF200029', 'ff-200029' and '200029' all give 'FF-200029' (with 'FF200029', 'FF 200029'),
    so an indexed exact lookup finds the record whatever the case, spaces, dashes or prefix typed.
    """
    text = raw.strip()
    spellings = {text, text.upper()} - {""}
    match = _IDENTIFIER.fullmatch(text.upper())
    if match:
        prefix, digits = match.groups()
        spellings.add(digits)
        for p in (prefix,) if prefix else IDENTIFIER_PREFIXES:
            spellings |= {f"{p}-{digits}", f"{p}{digits}", f"{p} {digits}"}
    return spellings


def normalise_email(raw: str | None, field: str = "email") -> str | None:
    """A valid email address, lower-cased domain; None when empty (no DNS lookup)."""
    if raw is None or not raw.strip():
        return None
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ContactValueError(field, f"« {raw[:60]} » n'est pas une adresse électronique valide.") from exc
    return result.normalized.lower()
