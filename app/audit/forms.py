"""The audit search form."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.audit.labels import ACTION_LABELS
from app.collation import sorted_french


class AuditSearchForm(FlaskForm):
    """Search the audit trail by agent, resident, action and period (Paris days, inclusive)."""

    agent = StringField("Agent (identifiant ou nom)", validators=[Optional(), Length(max=80)])
    resident = StringField("Usager (numéro ou nom)", validators=[Optional(), Length(max=120)])
    action = SelectField("Action", choices=[SelectChoice("", "Toutes")] + [SelectChoice(code, label) for code, label in sorted_french(ACTION_LABELS.items(), key=lambda c: c[1])],
                         validate_choice=True, default="")
    start = DateField("Du", validators=[Optional()])
    end = DateField("Au", validators=[Optional()])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100000)], default=1)

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("La date de fin doit suivre la date de début.")
