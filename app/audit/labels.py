"""French labels of audit actions, for the audit pages."""

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
}


def action_label(action: str) -> str:
    """'resident.view' -> "Consultation d'un usager"; an unknown action keeps its code, after its family."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    family, _, rest = action.partition(".")
    if family in PREFIX_LABELS and rest:
        return f"{PREFIX_LABELS[family]} : {rest.replace('_', ' ')}"
    return action
