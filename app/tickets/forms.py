"""Ticket forms. Choices are filled by the views from the queries; the rules live in the services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.cards.detector import refuse_card_number
from app.channels.labels import OWNER_LABELS, OWNER_TITLE
from app.digits import AsciiDateField, optional_ascii_int, refuse_foreign_digits
from app.tickets.labels import DIGITAL_CHOICE_LABELS, MODE_LABELS, OUTCOME_LABELS, STATUS_LABELS

optional_int = optional_ascii_int  # select fields whose first choice is « — »: '' -> None, '12' -> 12


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _choices(labels: dict, blank: str = "—") -> list[SelectChoice]:
    return choices([("", blank)] + list(labels.items()))


INITIAL_STATUSES = ("open", "in_progress", "waiting_resident", "resolved", "closed")
NOTES_LIMIT = 5000
REQUIRED_MESSAGES = {
    "procedure_id": "Démarche : choisissez la démarche faite avec l'usager.",
    "device_id": "Dispositif : choisissez le dispositif utilisé (borne, tablette, poste double écran).",
    "status": "Statut : choisissez le statut du ticket.",
}


class TicketForm(FlaskForm):
    """One form for every role; the view fixes channel and site per role and fills the pickers."""

    resident_id = HiddenField()
    submission_token = HiddenField()  # one-time: the same form posted twice logs one ticket
    anonymous = BooleanField("Appelant anonyme (usager non identifié)")
    procedure_id = SelectField("Démarche", coerce=optional_int, validate_choice=False)
    device_id = SelectField("Dispositif", coerce=optional_int, validate_choice=False)
    # Unknown codes are refused by the services, in French and on the field.
    mode = SelectField("Mode de facilitation", choices=_choices(MODE_LABELS), default="", validate_choice=False)
    outcome = SelectField("Résultat", choices=_choices(OUTCOME_LABELS), default="", validate_choice=False)
    digital_choice = SelectField("L'usager avait-il une autre solution que le numérique ?",
                                 choices=_choices(DIGITAL_CHOICE_LABELS), default="", validate_choice=False)
    status = SelectField("Statut", choices=choices([("", "— choisir —")]
                                                  + [(s, STATUS_LABELS[s]) for s in INITIAL_STATUSES]),
                         default="", validate_choice=False)
    payment_assisted = BooleanField("La démarche comporte un paiement que j'ai accompagné")
    protocol_confirmed = BooleanField("Je confirme le protocole de paiement : l'usager a saisi lui-même ses "
                                      "coordonnées bancaires et je ne les ai pas notées")
    requested_procedure_id = SelectField("Service demandé, pas encore en ligne", coerce=optional_int,
                                         validate_choice=False)
    requested_service_text = StringField("Autre service demandé (texte libre)",
                                         validators=[Optional(), Length(max=250), refuse_card_number])
    family_number = StringField("Numéro de famille Facil'Familles",
                                validators=[Optional(), Length(max=40), refuse_card_number])
    notes = TextAreaField("Notes", validators=[
        Optional(), Length(max=NOTES_LIMIT, message=f"Notes : {NOTES_LIMIT:,} caractères au plus ; raccourcissez "
                                                    "le texte (rien n'a été enregistré).".replace(",", "\u202f")),
        refuse_card_number], render_kw={"maxlength": NOTES_LIMIT})
    version = HiddenField()

    def require(self, names) -> None:
        """Make `names` required, each refused empty with a message naming it (per role: `pickers.ROLE_REQUIRED`)."""
        for name in names:
            field = self[name]
            # A new list: the class-level validators are shared by every form instance.
            field.validators = [InputRequired(REQUIRED_MESSAGES[name]), *field.validators]
            field.flags.required = True

    def service_values(self, fields) -> dict:
        """The submitted values of `fields`, '' as None, ready for the services."""
        values = {}
        for name in fields:
            data = getattr(self, name).data
            values[name] = None if data == "" else data
        return values


class StatusForm(FlaskForm):
    """A status button: the target status, the version seen, optionally the outcome when closing."""

    status = HiddenField()
    version = HiddenField()
    outcome = SelectField("Résultat", choices=_choices(OUTCOME_LABELS, "— inchangé —"), default="",
                          validate_choice=False)


class TransferForm(FlaskForm):
    channel_id = SelectField("Vers le canal", coerce=optional_int, validate_choice=False)
    site_id = SelectField("Vers le site", coerce=optional_int, validate_choice=False)
    device_id = SelectField("Dispositif (facultatif)", coerce=optional_int, validate_choice=False)
    note = TextAreaField("Note de transfert", validators=[
        Optional(), Length(max=NOTES_LIMIT, message=f"Note de transfert : {NOTES_LIMIT:,} caractères au plus ; "
                                                    "raccourcissez le texte.".replace(",", "\u202f")),
        refuse_card_number], render_kw={"maxlength": NOTES_LIMIT})
    version = HiddenField()


class FindResidentForm(FlaskForm):
    """Find the resident a new ticket is for (posted: the searched text stays out of URLs; a search changes
    nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Usager : nom, téléphone, e-mail ou référence", validators=[Optional(), Length(max=200), refuse_foreign_digits],
                    render_kw={"autofocus": True, "autocomplete": "off"})


class TicketSearchForm(FlaskForm):
    """Filters of the ticket search (GET)."""

    class Meta:
        csrf = False
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)  # WTForms' own French messages, without Babel

    channel_id = SelectField("Canal", coerce=optional_int, validate_choice=False)
    site_id = SelectField("Site", coerce=optional_int, validate_choice=False)
    status = SelectField("Statut", choices=choices([("", "Tous"), ("active", "En cours (ouvert, en cours, en attente)")]
                                                  + list(STATUS_LABELS.items())))
    procedure_id = SelectField("Démarche", coerce=optional_int, validate_choice=False)
    owner = SelectField(OWNER_TITLE, choices=choices([("", "Tous"), *OWNER_LABELS.items()]))
    date_from = AsciiDateField("Du", validators=[Optional()])
    date_to = AsciiDateField("Au", validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Au : la fin de la période précède son début (Du) ; inversez les deux dates.")

    FIELDS = ("channel_id", "site_id", "status", "procedure_id", "owner", "date_from", "date_to")


class ImportForm(FlaskForm):
    file = FileField("Fichier CSV (UTF-8, séparateur virgule ou point-virgule)",
                     validators=[FileRequired("Choisissez un fichier."),
                                 FileAllowed(["csv", "txt"], "Le fichier doit être un CSV.")])
    dry_run = BooleanField("Vérifier seulement (n'importe rien)")
    confirm_duplicate = BooleanField("Importer quand même (ce fichier a déjà été importé)")
