"""The dashboards' French vocabulary: column headings, table and summary names, values of coded columns.

Reports compute with codes (the CLI's JSON keeps them for machines); pages, charts, CSV and XLSX read
them through these labels. Codes of the ticket's own fields are named by `tickets.labels`, the
procedure's owner by `channels.labels`, sites, channels and devices by their reference rows.
"""

from app.channels.labels import OWNER_LABELS, OWNER_TITLE
from app.tickets.labels import CODE_LABELS, NOT_GIVEN

COLUMN_LABELS = {
    "site": "Site", "label": "Libellé", "channel": "Canal", "device": "Dispositif", "code": "Code",
    "procedure": "Démarche", "owner": OWNER_TITLE, "outcome": "Issue", "mode": "Mode d'accompagnement",
    "digital_choice": "Choix du numérique", "service": "Service demandé", "week": "Semaine du",
    "days": "Jours dans la période", "tickets": "Tickets", "total": "Total", "state": "État", "city": "Ville de Paris",
    "state_share": "Part de l'État", "share": "Part", "closed": "Clos", "mean_minutes": "Durée moyenne (min)",
    "median_minutes": "Durée médiane (min, par tranche)", "p90_minutes": "Durée 90e centile (min, par tranche)",
    "first_weeks_avg": "Moyenne des 4 premières semaines", "last_weeks_avg": "Moyenne des 4 dernières semaines",
    "trend_per_week": "Tendance (tickets/semaine)", "trend": "Évolution", "payment_assisted": "Paiements accompagnés",
    "protocol_confirmed": "Protocole confirmé", "confirmation_rate": "Taux de confirmation",
    "no_alternative": "Sans alternative", "no_alternative_share": "Part sans alternative",
    "contacts": "Contacts", "returned": "Revenus sous 7 jours", "return_rate": "Taux de retour",
    "agents": "Agents actifs", "trained": "Agents formés", "module": "Module", "title": "Intitulé",
    "untrained_tickets": "Tickets « agent non formé »", "trained_share": "Part traitée par des agents formés",
    "agent": "Agent", "expires_on": "Expire le",
    "day": "Jour", "hour": "Heure", "calls": "Appels", "answered": "Répondus", "missed": "Manqués",
    "forwarded": "Transférés", "with_ticket": "Répondus avec ticket", "answered_rate": "Taux de réponse",
    "missed_rate": "Taux d'appels manqués", "ticket_share": "Part des répondus avec ticket",
}

TABLE_LABELS = {
    "by_site": "par site", "by_week": "par semaine", "by_channel": "par canal", "top": "principales démarches",
    "by_device": "par dispositif", "by_outcome": "par issue", "by_mode": "par mode d'accompagnement",
    "by_service": "par service demandé", "by_site_week": "par site et par semaine", "by_procedure": "par démarche",
    "by_choice": "par réponse", "by_site_module": "par site et par module", "trainings": "formations à renouveler",
    "by_day": "par jour", "by_hour": "par heure",
}

SUMMARY_LABELS = {
    "total": "Tickets", "weeks": "Semaines", "state": "Démarches de l'État", "city": "Démarches de la Ville de Paris",
    "unknown": "Sans démarche", "state_share": "Part de l'État", "procedures": "Démarches distinctes",
    "closed": "Tickets clos", "mean_minutes": "Durée moyenne (min)",
    "median_minutes": "Durée médiane (min, par tranche)", "p90_minutes": "Durée 90e centile (min, par tranche)",
    "services": "Services distincts", "tickets": "Tickets",
    "payment_assisted": "Paiements accompagnés", "payment_share": "Part des tickets avec paiement",
    "protocol_confirmed": "Protocole de protection confirmé", "confirmation_rate": "Taux de confirmation",
    "answered": "Réponses connues", "no_alternative": "Sans autre choix que le numérique",
    "no_alternative_share": "Part sans alternative", "contacts": "Contacts d'usagers identifiés",
    "returned": "Suivis d'un retour sous 7 jours", "return_rate": "Taux de retour sous 7 jours",
    "first_contact_resolution": "Résolution au premier contact",
    "agents": "Agents actifs", "coverage_share": "Couverture des formations exigées",
    "untrained_tickets": "Tickets « agent non formé »", "trained_share": "Part traitée par des agents formés",
    "expiring": "Formations qui expirent sous 90 jours",
    "calls": "Appels", "answered_calls": "Appels répondus", "missed_calls": "Appels manqués",
    "forwarded_calls": "Appels transférés", "answered_rate": "Taux de réponse", "missed_rate": "Taux d'appels manqués",
    "mean_wait_seconds": "Attente moyenne des appels répondus (s)", "p90_wait_seconds": "Attente 90e centile (s)",
    "ticket_share": "Part des appels répondus avec ticket",
}

# Sheet names of the XLSX workbook: "<report> – <table>", 31 characters at most.
SHEET_LABELS = {
    "volume": "Volume", "state-share": "Part de l'État", "channels": "Canaux", "procedures": "Démarches",
    "devices": "Dispositifs", "outcomes": "Issues et durées", "unmet-demand": "Demandes",
    "payment-assisted": "Paiements", "digital-choice": "Choix du numérique", "repeat-contacts": "Retours sous 7 j",
    "training-coverage": "Couverture formation", "trained-share": "Agents formés", "untrained-tickets": "Non formés",
    "training-expiring": "Formations à renouveler", "calls": "Appels du 3975",
}
SHEET_TABLE_LABELS = {
    "by_site": "sites", "by_week": "semaines", "by_channel": "canaux", "top": "principales",
    "by_device": "dispositifs", "by_outcome": "issues", "by_mode": "modes", "by_service": "services",
    "by_site_week": "sites et semaines", "by_procedure": "démarches", "by_choice": "réponses",
    "by_site_module": "sites et modules", "trainings": "formations", "by_day": "jours", "by_hour": "heures",
}

TREND_LABELS = {"hausse": "en hausse", "baisse": "en baisse", "stable": "stable"}
# Columns whose values are reference codes (named by the reference rows) or codes of a vocabulary.
REFERENCE_COLUMNS = ("site", "channel", "device")
VOCABULARIES = {"owner": OWNER_LABELS, **CODE_LABELS}
NONE = "none"


def heading(column: str) -> str:
    """The French heading of a column (a column already named by a label keeps it)."""
    return COLUMN_LABELS.get(column, column)


def summary_label(key: str) -> str:
    return SUMMARY_LABELS.get(key, key)


def table_label(name: str) -> str:
    return TABLE_LABELS.get(name, name)


def sheet_name(report: str, table: str) -> str:
    """"Part de l'État – semaines": the tab of one table of a report."""
    return f"{SHEET_LABELS.get(report, report)} – {SHEET_TABLE_LABELS.get(table, table)}"[:31]


def value_label(column: str, value, names: dict) -> object:
    """The label of a coded cell: a site, channel or device by its row, an owner or outcome by its word."""
    if column in REFERENCE_COLUMNS:
        if value is None or value == NONE:
            return "Sans dispositif" if column == "device" else NOT_GIVEN
        return names.get(column, {}).get(value, value)
    if column in VOCABULARIES:
        if value is None or value == NONE:
            return "Sans démarche" if column == "owner" else NOT_GIVEN
        return VOCABULARIES[column].get(value, value)
    return value
