"""The audit search form."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.audit.labels import ACTION_LABELS
from app.collation import sorted_french
from app.digits import AsciiDateField, AsciiIntegerField, refuse_foreign_digits


class AuditSearchForm(FlaskForm):
    """Search the audit trail by agent, resident, action and period (Paris days, inclusive)."""

    agent = StringField("Agent (identifiant ou nom)", validators=[Optional(), Length(max=80), refuse_foreign_digits])
    resident = StringField("Usager (numéro ou nom)", validators=[Optional(), Length(max=120), refuse_foreign_digits])
    action = SelectField("Action", choices=[SelectChoice("", "Toutes")] + [SelectChoice(code, label) for code, label in sorted_french(ACTION_LABELS.items(), key=lambda c: c[1])],
                         validate_choice=True, default="")
    start = AsciiDateField("Du", validators=[Optional()])
    end = AsciiDateField("Au", validators=[Optional()])
    page = AsciiIntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100000)], default=1)

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("La date de fin doit suivre la date de début.")
