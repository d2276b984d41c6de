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


def normalise_phone(raw: str | None, field: str = "phone") -> str | None:
    """'06 12 34 56 78' or '+33612345678' -> '+33612345678' (French by default); None when empty."""
    if raw is None or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, "FR")
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
    """'+33612345678' -> '06 12 34 56 78' (national format for French numbers)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_email(raw: str | None, field: str = "email") -> str | None:
    """A valid email address, lower-cased domain; None when empty (no DNS lookup)."""
    if raw is None or not raw.strip():
        return None
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ContactValueError(field, f"« {raw[:60]} » n'est pas une adresse électronique valide.") from exc
    return result.normalized.lower()
