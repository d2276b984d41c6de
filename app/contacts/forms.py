"""Resident forms: search, full record, quick create, merge. Rules live in the services."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.contacts.models import ACCESSIBILITY_NEEDS
from app.digits import AsciiDateField, refuse_foreign_digits

CIVILITIES = [SelectChoice(v, label) for v, label in (("", "—"), ("Mme", "Madame"), ("M.", "Monsieur"), ("Mx", "Mx"))]
LANGUAGES = [SelectChoice(v, label) for v, label in (
    ("fr", "Français"), ("en", "Anglais"), ("es", "Espagnol"), ("pt", "Portugais"), ("ar", "Arabe"),
    ("zh", "Chinois"), ("ro", "Roumain"), ("lsf", "Langue des signes (LSF)"), ("other", "Autre"))]
NEED_LABELS = {"mobility": "Mobilité réduite", "sight": "Déficience visuelle", "hearing": "Déficience auditive",
               "language": "Barrière de la langue", "digital": "Peu d'autonomie numérique"}

FIELD_TITLES = {"civility": "Civilité", "last_name": "Nom", "first_name": "Prénom", "birth_date": "Date de naissance",
                "email": "E-mail", "phone": "Téléphone", "phone_alt": "Autre téléphone", "address": "Adresse",
                "postal_code": "Code postal", "city": "Ville", "arrondissement": "Arrondissement",
                "account_ref": "Référence compte parisien", "family_number": "Numéro de famille",
                "preferred_language": "Langue", "needs": "Besoins d'accessibilité",
                "consent_contact": "Accepte d'être contacté", "merged_into_id": "Fusionnée dans la fiche"}


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (one per choice)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


FrenchDateField = AsciiDateField  # a date field whose parse error is in French and names the field


class BlankSelectField(SelectField):
    """A select whose empty stored value (None) is the blank choice."""

    def process_data(self, value):
        super().process_data("" if value is None else value)


class SearchForm(FlaskForm):
    q = StringField("Rechercher un usager", validators=[DataRequired("Saisissez un nom, un téléphone, un e-mail "
                                                                     "ou une référence."), Length(max=200),
                                                     refuse_foreign_digits])


class ResidentForm(FlaskForm):
    """The full record. Phones and emails are checked and normalised by the service."""

    civility = BlankSelectField("Civilité", choices=CIVILITIES, default="",
                                invalid_choice_message="Civilité : choisissez une valeur de la liste.")
    last_name = StringField("Nom", validators=[Length(max=120, message="Nom : 120 caractères au plus.")])
    first_name = StringField("Prénom", validators=[Length(max=120, message="Prénom : 120 caractères au plus.")])
    birth_date = FrenchDateField("Date de naissance", format=["%Y-%m-%d", "%d/%m/%Y"], validators=[Optional()],
                                 render_kw={"type": "date"})
    email = StringField("E-mail", validators=[Length(max=254)], render_kw={"type": "email", "autocomplete": "off"})
    phone = StringField("Téléphone", validators=[Length(max=40)], render_kw={"type": "tel"})
    phone_alt = StringField("Autre téléphone", validators=[Length(max=40)], render_kw={"type": "tel"})
    address = StringField("Adresse", validators=[Length(max=300, message="Adresse : 300 caractères au plus.")])
    postal_code = StringField("Code postal", validators=[Length(max=10, message="Code postal : 10 caractères au plus.")])
    city = StringField("Ville", validators=[Length(max=120)])
    account_ref = StringField("Référence compte parisien", validators=[Length(max=40)])
    family_number = StringField("Numéro de famille Facil'Familles", validators=[Length(max=40)])
    preferred_language = SelectField("Langue préférée", choices=LANGUAGES, default="fr",
                                     invalid_choice_message="Langue : choisissez une valeur de la liste.")
    needs = MultiCheckboxField("Besoins d'accessibilité", choices=[SelectChoice(n, NEED_LABELS[n]) for n in ACCESSIBILITY_NEEDS])
    consent_contact = BooleanField("Accepte d'être contacté par la Ville")
    confirm_duplicate = HiddenField(default="")
    version = HiddenField()
    seen_change = HiddenField(default="0")

    def resident_values(self) -> dict:
        """The values to hand to the services."""
        names = ("civility", "last_name", "first_name", "birth_date", "email", "phone", "phone_alt", "address",
                 "postal_code", "city", "account_ref", "family_number", "preferred_language", "needs",
                 "consent_contact")
        return {name: getattr(self, name).data for name in names}


class QuickCreateForm(FlaskForm):
    """A name plus one contact detail."""

    last_name = StringField("Nom", validators=[DataRequired("Indiquez le nom de l'usager."),
                                               Length(max=120, message="Nom : 120 caractères au plus.")])
    first_name = StringField("Prénom", validators=[Length(max=120, message="Prénom : 120 caractères au plus.")])
    contact = StringField("Téléphone, e-mail ou référence compte parisien",
                          validators=[DataRequired("Indiquez un téléphone, un e-mail ou une référence."),
                                      Length(max=254)])
    confirm_duplicate = HiddenField(default="")
    next = HiddenField()


class MergeForm(FlaskForm):
    """CSRF only: the choices are radio buttons named `choice-<field>`, one per merged field."""
