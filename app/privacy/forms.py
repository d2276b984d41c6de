"""Forms of the privacy pages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.cards.detector import refuse_card_number
from app.digits import AsciiIntegerField, refuse_foreign_digits
from app.privacy.settings import SPECS


class ResidentLookupForm(FlaskForm):
    """Find the resident a right-of-access or erasure request is about."""

    q = StringField("Usager (numéro, nom, e-mail ou téléphone)",
                    validators=[DataRequired("Saisissez un numéro, un nom, un e-mail ou un téléphone."),
                                Length(max=120), refuse_foreign_digits])


class AnonymiseForm(FlaskForm):
    """Confirm an anonymisation: it cannot be undone."""

    confirm = BooleanField("Je confirme l'anonymisation définitive de cet usager",
                           validators=[DataRequired("Cochez la case pour confirmer.")])
    reason = StringField("Motif (demande de l'usager, référence du courrier…)",
                         validators=[DataRequired("Indiquez le motif."), Length(max=200), refuse_card_number])


def _setting_field(spec):
    return AsciiIntegerField(spec.label, description=spec.hint, default=spec.default, validators=[
        InputRequired("Saisissez un nombre de jours."),
        NumberRange(spec.minimum, spec.maximum, f"Entre {spec.minimum} et {spec.maximum} jours.")])


class RetentionSettingsForm(FlaskForm):
    """The retention periods, in days."""


for _key, _spec in SPECS.items():
    setattr(RetentionSettingsForm, _key, _setting_field(_spec))


class RunRetentionForm(FlaskForm):
    """Apply the retention periods now (a button)."""
