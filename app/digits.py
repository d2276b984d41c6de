"""Numbers typed by people: ASCII digits only, everywhere.

Python's `int()`, `str.isdecimal()` and `str.isdigit()` accept the digits of every script ('١٢', '１２'),
and `isdigit()` even superscripts and circled digits ('²', '①'), which `int()` then refuses: a test that
passes followed by a conversion that raises. '²' is a key of the French AZERTY keyboard, so it is typed
by mistake. Every number read from a form, a URL or a query string is read here, with the rule 0-9.
"""

from wtforms import DateField, IntegerField
from wtforms.validators import ValidationError

ASCII_DIGITS = frozenset("0123456789")


def is_ascii_number(text: str | None) -> bool:
    """True for '0'…'9' only, at least one ('12'); False for '', '-1', '١٢', '１２', '²', '①'."""
    return bool(text) and all(ch in ASCII_DIGITS for ch in text)


def ascii_int(text: str | None) -> int | None:
    """'12' (surrounding spaces allowed) -> 12; None for anything that is not ASCII digits."""
    text = (text or "").strip() if isinstance(text, str) else ""
    return int(text) if is_ascii_number(text) else None


def foreign_digits(text: str | None) -> str:
    """The characters of `text` that are numbers but not 0-9 ('²', '①', '١', '５', '½'), once each, in order."""
    seen = []
    for ch in text or "":
        if ch.isnumeric() and ch not in ASCII_DIGITS and ch not in seen:
            seen.append(ch)
    return "".join(seen)


def foreign_digits_message(text: str | None, label: str | None = None) -> str | None:
    """A French message naming the field when `text` holds digits other than 0-9; None otherwise."""
    found = foreign_digits(text)
    if not found:
        return None
    shown = " ".join(f"« {ch} »" for ch in found[:5])
    where = f"{label} : " if label else ""
    what = "n'est pas un chiffre" if len(found) == 1 else "ne sont pas des chiffres"
    return f"{where}{shown} {what} de 0 à 9 ; retapez le nombre avec les chiffres du clavier."


def refuse_foreign_digits(form, field) -> None:
    """WTForms validator: refuse a value holding digits other than 0-9, naming the field."""
    raw = field.raw_data[0] if field.raw_data and isinstance(field.raw_data[0], str) else field.data
    message = foreign_digits_message(raw if isinstance(raw, str) else None, field.label.text)
    if message:
        raise ValidationError(message)


def optional_ascii_int(value) -> int | None:
    """Coerce of select fields whose first choice is « — »: '' or None -> None, '12' -> 12, else ValueError."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = ascii_int(value) if isinstance(value, str) else None
    if number is None:
        raise ValueError("choix inconnu")
    return number


class AsciiDateField(DateField):
    """A DateField that reads 0-9 only ('２０２６-01-05' is refused, where strptime would read it) and says
    why in French, naming the field; `invalid` overrides the message for a date that does not parse."""

    def __init__(self, label=None, validators=None, invalid: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist):
        message = foreign_digits_message(valuelist[0] if valuelist and isinstance(valuelist[0], str) else None,
                                         self.label.text)
        if message:
            self.data = None
            raise ValueError(message)
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid or f"{self.label.text} : saisissez une date valide (jj/mm/aaaa).") from exc


class AsciiIntegerField(IntegerField):
    """An IntegerField reading 0-9 only (an optional leading minus), with a French message naming the field."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip() if isinstance(valuelist[0], str) else ""
        if raw == "":
            self.data = None
            return
        number = ascii_int(raw[1:] if raw.startswith("-") else raw)
        if number is None:
            self.data = None
            raise ValueError(f"{self.label.text} : saisissez un nombre entier avec les chiffres de 0 à 9.")
        self.data = -number if raw.startswith("-") else number
