"""Admin forms of the reference data. Choices that come from the database are set by the view."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    URLField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.cards.detector import refuse_card_number
from app.channels.labels import AVAILABILITY_LABELS, OWNER_LABELS, OWNER_TITLE, SITE_KIND_LABELS
from app.channels.services import CODE_PATTERN, CODE_RULE
from app.digits import AsciiDateField, AsciiIntegerField

REQUIRED = "Ce champ est obligatoire."


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _code_field(limit: int) -> StringField:
    return StringField("Code", description=f"Identifiant stable : {CODE_RULE}. Non modifiable ensuite.",
                       validators=[DataRequired(REQUIRED), Length(max=limit, message=f"{limit} caractères au plus."),
                                   Regexp(CODE_PATTERN, message=f"Code invalide : {CODE_RULE}.")])


def _label_field(limit: int) -> StringField:
    return StringField("Libellé", validators=[DataRequired(REQUIRED),
                                              Length(max=limit, message=f"{limit} caractères au plus."),
                                              refuse_card_number])


class ReferenceForm(FlaskForm):
    """Base: `values()` gives the data as keyword arguments for the service (the code only when creating)."""

    class Meta:
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)  # WTForms' own French messages, without Babel

    def values(self, exclude=()) -> dict:
        skip = {"csrf_token", "submit", *exclude}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChannelForm(ReferenceForm):
    code = _code_field(40)
    label = _label_field(200)
    sort_order = AsciiIntegerField("Ordre d'affichage", default=0, validators=[
        Optional(), NumberRange(0, 999, message="Un nombre de 0 à 999.")])
    requires_device = BooleanField("Dispositif obligatoire (borne, tablette ou poste double écran)")
    requires_family_number = BooleanField("Numéro de famille Facil'Familles obligatoire")
    required_site_id = SelectField("Site imposé", coerce=int, description="Les tickets de ce canal doivent "
                                   "porter ce site (laisser « Aucun » pour ne rien imposer).")
    submit = SubmitField("Enregistrer")


class SiteForm(ReferenceForm):
    code = _code_field(40)
    label = _label_field(200)
    kind = SelectField("Type de site", choices=choices(SITE_KIND_LABELS.items()))
    arrondissement = AsciiIntegerField("Arrondissement", validators=[
        Optional(), NumberRange(1, 20, message="Un nombre de 1 à 20.")])
    postal_code = StringField("Code postal", validators=[
        Optional(), Regexp(r"^[0-9]{5}$", message="Le code postal compte 5 chiffres.")])
    device_ids = MultiCheckboxField("Dispositifs présents sur le site", coerce=int)
    devices_changed_on = AsciiDateField(
        "Date d'installation ou de retrait", validators=[Optional()],
        description="Jour où les dispositifs cochés ont été installés ou les décochés retirés (aujourd'hui si "
                    "vide) : les tickets sont vérifiés avec l'équipement du site au jour de leur ouverture.")
    submit = SubmitField("Enregistrer")


class DeviceForm(ReferenceForm):
    code = _code_field(40)
    label = _label_field(200)
    submit = SubmitField("Enregistrer")


class ProcedureForm(ReferenceForm):
    code = _code_field(60)
    label = _label_field(250)
    owner = SelectField(OWNER_TITLE, choices=choices(OWNER_LABELS.items()),
                        validators=[DataRequired(REQUIRED)])
    domain = StringField("Domaine", description="Par exemple : famille, mobilité, état civil, stationnement.",
                         validators=[DataRequired(REQUIRED), Length(max=60, message="60 caractères au plus."),
                                     refuse_card_number])
    availability = SelectField("Disponibilité en ligne", choices=choices(AVAILABILITY_LABELS.items()),
                               validators=[DataRequired(REQUIRED)])
    involves_payment = BooleanField("La démarche comporte un paiement")
    online_url = URLField("Adresse du service en ligne", validators=[
        Optional(), Length(max=500, message="500 caractères au plus."),
        URL(require_tld=True, message="Adresse web invalide (https://…)."),
        Regexp(r"^https?://", message="L'adresse commence par https:// ou http://.")])
    active_from = AsciiDateField("Active à partir du", validators=[Optional()])
    active_to = AsciiDateField("Active jusqu'au", validators=[Optional()])
    submit = SubmitField("Enregistrer")

    def validate_active_to(self, field):
        if field.data and self.active_from.data and field.data < self.active_from.data:
            raise ValidationError("La date de fin ne peut pas précéder la date de début.")


class ProcedureFilterForm(FlaskForm):
    """Filters of the catalogue list (a GET form: nothing changes, no CSRF token)."""

    class Meta:
        csrf = False
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)  # WTForms' own French messages, without Babel

    q = StringField("Rechercher (code, libellé, domaine)", validators=[Optional(), Length(max=100)])
    status = SelectField("État", choices=choices([("", "Toutes"), ("active", "Actives"), ("inactive", "Désactivées")]),
                         validators=[Optional()])
    owner = SelectField(OWNER_TITLE, choices=choices([("", "Tous"), *OWNER_LABELS.items()]), validators=[Optional()])
    availability = SelectField("Disponibilité", choices=choices([("", "Toutes"), *AVAILABILITY_LABELS.items()]),
                               validators=[Optional()])


class ActivationForm(FlaskForm):
    """The deactivate / reactivate button (CSRF-protected)."""


class CatalogueImportForm(FlaskForm):
    file = FileField("Fichier CSV du catalogue", validators=[
        FileRequired("Choisissez un fichier."),
        FileAllowed(["csv", "txt"], "Le fichier doit être un CSV (.csv ou .txt).")])
    check = SubmitField("Vérifier sans importer")
    submit = SubmitField("Importer")
