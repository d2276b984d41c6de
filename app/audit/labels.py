"""French labels of audit actions, for the audit pages."""

from app.digits import is_ascii_number

ACTION_LABELS = {
    "login.success": "Connexion",
    "login.failed": "Échec de connexion",
    "login.locked": "Connexion refusée (compte verrouillé)",
    "login.throttled": "Connexion refusée (trop de tentatives)",
    "logout": "Déconnexion",
    "access.refused": "Accès refusé",
    "resident.view": "Consultation d'un usager",
    "resident.search": "Recherche d'usagers",
    "resident.create": "Création d'un usager",
    "resident.update": "Modification d'un usager",
    "resident.merge": "Fusion d'usagers",
    "resident.export": "Export des données d'un usager (droit d'accès)",
    "resident.anonymise": "Anonymisation d'un usager",
    "ticket.view": "Consultation d'un ticket",
    "ticket.create": "Création d'un ticket",
    "ticket.update": "Modification d'un ticket",
    "ticket.status": "Changement de statut d'un ticket",
    "ticket.transfer": "Transfert d'un ticket",
    "ticket.import": "Import de tickets",
    "ticket.export": "Export de tickets",
    "report.export": "Export d'un tableau de bord",
    "report.view": "Consultation d'un tableau de bord",
    "reference.change": "Modification d'un référentiel",
    "agent.create": "Création d'un agent",
    "agent.update": "Modification d'un agent",
    "agent.deactivate": "Désactivation d'un agent",
    "agent.reactivate": "Réactivation d'un agent",
    "agent.password_reset": "Réinitialisation d'un mot de passe",
    "settings.update": "Modification d'une durée de conservation",
    "retention.run": "Application des durées de conservation",
    "privacy.cards_masked": "Masquage de numéros de carte stockés",
    "audit.search": "Consultation du journal d'audit",
    "audit.purge": "Purge du journal d'audit",
    "training.read": "Consultation de livrets de formation",
    "training.record": "Enregistrement d'une session de formation",
    "training.module": "Modification d'un module de formation",
    "training.requirement": "Modification d'une exigence de formation",
    "training.site_policy": "Modification de la règle de formation d'un site",
    "call.list": "Consultation du journal des appels",
    "call.called_back": "Appel manqué marqué « rappelé »",
    "integration.created": "Création d'un jeton d'intégration",
    "integration.revoked": "Révocation d'un jeton d'intégration",
    "integration.used": "Utilisation d'un jeton d'intégration (API)",
    "integration.refused": "Jeton d'intégration refusé (API)",
    "integration.scoped": "Sites et canaux d'un jeton d'intégration modifiés",
    "api.residents.lookup": "Recherche d'usagers par l'API",
}

# Labels for the families of actions other domains may add.
PREFIX_LABELS = {
    "resident": "Usager",
    "ticket": "Ticket",
    "report": "Tableau de bord",
    "export": "Export",
    "reference": "Référentiel",
    "agent": "Agent",
    "login": "Connexion",
    "training": "Formation",
}


def action_label(action: str) -> str:
    """'resident.view' -> "Consultation d'un usager"; an unknown action keeps its code, after its family."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    family, _, rest = action.partition(".")
    if family in PREFIX_LABELS and rest:
        return f"{PREFIX_LABELS[family]} : {rest.replace('_', ' ')}"
    return action

# What an entry is about, as an admin reads it ("Ticket 2017-000123", "Démarche n° 33").
OBJECT_LABELS = {
    "ticket": "Ticket", "resident": "Usager", "agent": "Agent", "report_run": "Calcul de tableau de bord",
    "setting": "Réglage", "audit": "Journal d'audit", "url": "Page", "channel": "Canal", "site": "Site",
    "device": "Dispositif", "procedure": "Démarche",
}

# The keys of entries' details (field names and ids, never personal values).
DETAIL_LABELS = {
    "method": "Méthode", "endpoint": "Page", "login": "Identifiant", "role": "Rôle", "site": "Site",
    "operation": "Opération", "counts": "Nombres", "fields": "Champs", "merged_id": "Fiche fusionnée",
    "tickets": "Tickets", "choices": "Choix", "format": "Format", "filename": "Fichier", "file": "Fichier",
    "created": "Créés", "skipped": "Ignorés", "status": "Statut", "to": "Vers", "reference": "Référence",
    "deleted": "Supprimées", "retention_days": "Conservation (jours)", "before": "Avant le", "from": "De",
    "page": "Page", "agent": "Agent", "resident": "Usager", "action": "Action", "start": "Du", "end": "Au",
    "reason": "Motif", "residents_anonymised": "Usagers anonymisés", "ticket_notes_purged": "Notes purgées",
    "period": "Période", "q": "Recherche", "owner": "Porteur", "channel_id": "Canal", "site_id": "Site",
    "procedure_id": "Démarche", "date_from": "Du", "date_to": "Au",
}


def object_text(object_type: str | None, object_id, references: dict | None = None) -> str:
    """"Ticket 2017-000123" (with `references` {ticket id: reference}) or "Démarche n° 33"."""
    if not object_type:
        return ""
    label = OBJECT_LABELS.get(object_type, object_type)
    if object_id in (None, ""):
        return label
    if object_type == "ticket" and references and str(object_id) in references:
        return f"{label} {references[str(object_id)]}"
    return f"{label} n° {object_id}" if is_ascii_number(str(object_id)) else f"{label} « {object_id} »"


def _value_text(value, field_labels: dict) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict):
        return ", ".join(f"{field_labels.get(k, DETAIL_LABELS.get(k, k))} : {_value_text(v, field_labels)}"
                         for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v, field_labels) for v in value)
    return "—" if value is None or value == "" else str(value)


def detail_lines(detail: dict | None, field_labels: dict | None = None) -> list[tuple[str, str]]:
    """(label, text) for each key of an entry's detail; field names listed under "fields" get their labels."""
    field_labels = field_labels or {}
    lines = []
    for key, value in (detail or {}).items():
        if key == "fields" and isinstance(value, list | tuple):
            value = [field_labels.get(v, v) for v in value]
        lines.append((DETAIL_LABELS.get(key, key), _value_text(value, field_labels)))
    return lines
