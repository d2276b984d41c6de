"""The tickets' French vocabulary, once: fields, statuses, outcomes, modes, history kinds, values as read.

Pages, the history, the conflict message, the CSV export and the dashboards all read these; the codes
stay for machines (API, JSON, import files).
"""

from datetime import datetime

from app.auth.models import Agent
from app.channels.labels import owner_label
from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.models import Resident
from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import to_paris

FIELD_LABELS = {
    "resident_id": "Usager", "anonymous": "Appelant anonyme", "channel_id": "Canal", "site_id": "Site",
    "device_id": "Dispositif", "procedure_id": "Démarche", "agent_id": "Agent", "opened_at": "Ouvert le",
    "closed_at": "Clos le", "status": "Statut", "outcome": "Résultat", "mode": "Mode de facilitation",
    "digital_choice": "Choix du numérique", "requested_procedure_id": "Service demandé non disponible en ligne",
    "requested_service_text": "Service demandé (texte libre)", "payment_assisted": "Paiement accompagné",
    "protocol_confirmed": "Protocole de paiement confirmé", "protocol_confirmed_by_id": "Protocole confirmé par",
    "family_number": "Numéro de famille Facil'Familles", "notes": "Notes", "external_ref": "Référence externe",
    "transferred_from_id": "Transféré depuis", "transferred_to": "Transféré vers",
}

STATUS_LABELS = {"open": "Ouvert", "in_progress": "En cours", "waiting_resident": "En attente de l'usager",
                 "resolved": "Résolu", "closed": "Clos", "transferred": "Transféré"}
OUTCOME_LABELS = {"completed": "Démarche aboutie", "partial": "Démarche partielle",
                  "redirected": "Réorienté vers un autre service",
                  "not_possible_online": "Impossible en ligne", "abandoned": "Abandon"}
MODE_LABELS = {"guided": "Guidé (l'usager saisit)", "together": "Ensemble",
               "on_behalf": "Pour le compte de l'usager (avec son accord)"}
DIGITAL_CHOICE_LABELS = {"chose_digital": "A choisi le numérique", "no_alternative": "Pas d'autre choix",
                         "wanted_other_channel": "Aurait préféré un autre canal"}
EVENT_KIND_LABELS = {"created": "Création", "updated": "Modification", "status": "Statut",
                     "reopened": "Réouverture", "transferred": "Transfert", "imported": "Import", "merged": "Fusion",
                     "anonymised": "Anonymisation"}
# A code left empty (no outcome yet, question not asked), as dashboards and exports show it.
NOT_GIVEN = "Non renseigné"

# The statuses of a ticket still being worked on.
OPEN_STATUSES = ("open", "in_progress", "waiting_resident")

CODE_LABELS = {"status": STATUS_LABELS, "outcome": OUTCOME_LABELS, "mode": MODE_LABELS,
               "digital_choice": DIGITAL_CHOICE_LABELS}
_MODELS = {"channel_id": Channel, "site_id": Site, "device_id": Device, "procedure_id": Procedure,
           "requested_procedure_id": Procedure}
_DATES = ("opened_at", "closed_at")


def code_label(field: str, code) -> str:
    """The label of a status, outcome, mode or digital-choice code ("Non renseigné" when empty)."""
    if code is None or code == "" or code == "none":
        return NOT_GIVEN
    return CODE_LABELS[field].get(code, str(code))


def paris_text(value) -> str:
    """A UTC datetime (or its ISO text, as the history keeps it) as Paris time, dd/mm/yyyy hh:mm."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_paris(value).strftime("%d/%m/%Y %H:%M")


def display_value(field: str, value) -> str:
    """A field value as an agent reads it: labels for codes and relations, Paris time, oui/non."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if field in _MODELS:
        row = db.session.get(_MODELS[field], value)
        return row.label if row else str(value)
    if field in ("agent_id", "protocol_confirmed_by_id"):
        row = db.session.get(Agent, value)
        return row.name if row else str(value)
    if field == "resident_id":
        row = db.session.get(Resident, value)
        return f"{row.full_name} (fiche n° {row.id})" if row else str(value)
    if field == "transferred_from_id":
        from_ticket = db.session.get(Ticket, value)
        return from_ticket.reference if from_ticket else str(value)
    if field in CODE_LABELS:
        return CODE_LABELS[field].get(value, value)
    if field in _DATES or hasattr(value, "hour"):
        return paris_text(value)
    return str(value)


def change_lines(changes: dict, show_notes: bool = True, show_family: bool = True) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each change of a history event, values as agents read them.

    Notes and the family number are left out for readers who may not see them (`auth.access`).
    """
    return [(FIELD_LABELS.get(field, field), display_value(field, pair[0]), display_value(field, pair[1]))
            for field, pair in (changes or {}).items()
            if field != "version" and (show_notes or field != "notes") and (show_family or field != "family_number")]


def kind_label(kind: str) -> str:
    """'transferred' -> "Transfert"."""
    return EVENT_KIND_LABELS.get(kind, kind)


def procedure_owner(procedure) -> str:
    """"Ville de Paris" or "État" for a procedure (one spelling everywhere)."""
    return owner_label(procedure.owner) if procedure is not None else "—"

