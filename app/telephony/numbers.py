"""Phone numbers as phone systems send them, normalised to E.164 for France and its overseas departments."""

import re
from dataclasses import dataclass

import phonenumbers

# What phone systems send for a caller who hides the number.
ANONYMOUS_VALUES = {"anonymous", "anonyme", "unknown", "restricted", "private", "unavailable", "withheld",
                    "clip_no_screening", "inconnu", "masqué", "masque"}
# Overseas departments and collectivities share the French national format (0 + 9 digits) but have
# their own country codes: 0693 is Réunion (+262), 0690 Guadeloupe (+590), 0696 Martinique (+596)…
OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")
_SEPARATORS = re.compile(r"[\s.\-/()]")


@dataclass(frozen=True)
class CallerNumber:
    """`e164` when the number is valid; `anonymous` for a hidden number; `raw` as received otherwise."""

    e164: str | None
    anonymous: bool
    raw: str | None


def _valid(number: phonenumbers.PhoneNumber) -> bool:
    return phonenumbers.is_valid_number(number)


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _french_national(national: str) -> str | None:
    """'0612345678' or '0693123456' -> E.164, trying metropolitan France then the overseas regions."""
    for region in ("FR", *OVERSEAS_REGIONS):
        number = _parse(national, region)
        if number is not None and _valid(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def to_e164(raw: str | None) -> str | None:
    """A phone number in any usual French or international writing -> E.164, or None when it is not one."""
    if raw is None:
        return None
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("0"):
        return _french_national(text)
    else:
        digits = text  # a country code without '+' (33612345678, 262693123456, 4912347114711)
    if not digits.isdigit():
        return None
    number = _parse("+" + digits, None)
    if number is None:
        return None
    if _valid(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.country_code == 33:  # +33 693… : an overseas number written with the metropolitan code
        return _french_national("0" + str(number.national_number))
    return None


def caller_number(raw: str | None) -> CallerNumber:
    """The caller as a phone system reports it: a number, an anonymous caller, or something unreadable."""
    text = (raw or "").strip()
    if not text or text.lower() in ANONYMOUS_VALUES:
        return CallerNumber(e164=None, anonymous=True, raw=None)
    e164 = to_e164(text)
    return CallerNumber(e164=e164, anonymous=False, raw=None if e164 else text[:40])
