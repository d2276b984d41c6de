"""The dashboard form: period, sites, channels and reports (choices given by the view)."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class FrenchDateField(DateField):
    """A date field whose parse error is in French."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Date invalide : utilisez le sélecteur ou le format AAAA-MM-JJ.") from exc


class ChoicesField(SelectMultipleField):
    """A multiple choice whose unknown values are refused in French."""

    def pre_validate(self, form):
        allowed = {str(value) for value, _label in self.choices or []}
        unknown = [v for v in self.data or [] if str(v) not in allowed]
        if unknown:
            raise ValidationError(f"Choix inconnu : {', '.join(unknown)}.")


class CheckboxesField(ChoicesField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DashboardForm(FlaskForm):
    date_from = FrenchDateField("Du", validators=[InputRequired(message="Indiquez le premier jour de la période.")])
    date_to = FrenchDateField("Au (inclus)",
                              validators=[InputRequired(message="Indiquez le dernier jour de la période.")])
    sites = ChoicesField("Sites (aucun choisi : tous)")
    channels = ChoicesField("Canaux (aucun choisi : tous)")
    reports = CheckboxesField("Rapports")
    submit = SubmitField("Calculer les tableaux de bord")

    def set_choices(self, sites, channels, reports) -> "DashboardForm":
        self.sites.choices, self.channels.choices, self.reports.choices = sites, channels, reports
        return self

    def validate_date_to(self, field):
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError("La date de fin doit être le même jour que la date de début ou après.")

    def validate_reports(self, field):
        if not field.data:
            raise ValidationError("Choisissez au moins un rapport.")

    def default_period(self, today: date) -> None:
        """First of January to today, when the form was not submitted."""
        self.date_from.data = self.date_from.data or date(today.year, 1, 1)
        self.date_to.data = self.date_to.data or today
