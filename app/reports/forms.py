"""The dashboard form: period, sites, channels and reports (choices given by the view)."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.digits import AsciiDateField


class FrenchDateField(AsciiDateField):
    """A date field whose parse error is in French (digits 0-9 only)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid", "Date invalide : utilisez le sélecteur ou le format AAAA-MM-JJ.")
        super().__init__(label, validators, **kwargs)


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

    def default_period(self, today: date, start: date | None = None, end: date | None = None,
                       fallback: tuple[date, date] | None = None) -> None:
        """The period asked for (a preset's link), else `fallback`, else the last 12 months (form not sent)."""
        if start and end and start <= end:
            self.date_from.data, self.date_to.data = start, end
        default_start, default_end = fallback or last_12_months(today)
        self.date_from.data = self.date_from.data or default_start
        self.date_to.data = self.date_to.data or default_end


# The pilot of the source document: the four town halls, October 2016 to mid-February 2017.
PILOT_PERIOD = (date(2016, 10, 1), date(2017, 2, 15))


def last_12_months(today: date) -> tuple[date, date]:
    """Twelve calendar months: from the first day of the month eleven months ago to today."""
    first = date(today.year - 1, today.month, 1)
    return (first + timedelta(days=32)).replace(day=1), today


def period_presets(today: date, with_pilot: bool) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of the periods offered as one-click choices."""
    this_month = today.replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    presets = [("Ce mois-ci", this_month, today), ("Le mois dernier", last_month_end.replace(day=1), last_month_end),
               ("Les 12 derniers mois", *last_12_months(today)), ("Depuis le 1er janvier", date(today.year, 1, 1), today)]
    if with_pilot:
        presets.append(("Le pilote (oct. 2016 – 15 févr. 2017)", *PILOT_PERIOD))
    return presets
