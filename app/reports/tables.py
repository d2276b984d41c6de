"""Tables as stored and shown: JSON-safe columns and rows, French column headings."""

import pandas as pd

COLUMN_LABELS = {
    "site": "Site", "label": "Libellé", "channel": "Canal", "device": "Dispositif", "code": "Code",
    "procedure": "Démarche", "owner": "Responsable", "outcome": "Issue", "mode": "Mode d'accompagnement",
    "digital_choice": "Choix du numérique", "service": "Service demandé", "week": "Semaine du",
    "tickets": "Tickets", "total": "Total", "state": "État", "city": "Ville", "state_share": "Part État",
    "share": "Part", "closed": "Clos", "mean_minutes": "Durée moyenne (min)",
    "median_minutes": "Durée médiane (min, borne)", "p90_minutes": "Durée 90e centile (min, borne)",
    "first_weeks_avg": "Moyenne des 4 premières semaines", "last_weeks_avg": "Moyenne des 4 dernières semaines",
    "trend_per_week": "Tendance (tickets/semaine)", "trend": "Évolution", "payment_assisted": "Paiements accompagnés",
    "protocol_confirmed": "Protocole confirmé", "confirmation_rate": "Taux de confirmation",
    "no_alternative": "Sans alternative", "no_alternative_share": "Part sans alternative",
    "contacts": "Contacts", "returned": "Revenus sous 7 jours", "return_rate": "Taux de retour",
    "day": "Jour", "hour": "Heure", "calls": "Appels", "answered": "Répondus", "missed": "Manqués",
    "forwarded": "Transférés", "with_ticket": "Répondus avec ticket", "answered_rate": "Taux de réponse",
    "missed_rate": "Taux d'appels manqués", "ticket_share": "Part des répondus avec ticket",
}

TABLE_LABELS = {
    "by_site": "par site", "by_week": "par semaine", "by_channel": "par canal", "top": "principales démarches",
    "by_device": "par dispositif", "by_outcome": "par issue", "by_mode": "par mode d'accompagnement",
    "by_service": "par service demandé", "by_site_week": "par site et par semaine", "by_procedure": "par démarche",
    "by_choice": "par réponse", "by_day": "par jour", "by_hour": "par heure",
}

SUMMARY_LABELS = {
    "total": "Tickets", "weeks": "Semaines", "state": "Démarches de l'État", "city": "Démarches de la Ville",
    "unknown": "Sans démarche", "state_share": "Part de l'État", "procedures": "Démarches distinctes",
    "closed": "Tickets clos", "mean_minutes": "Durée moyenne (min)", "median_minutes": "Durée médiane (min, borne)",
    "p90_minutes": "Durée 90e centile (min, borne)", "services": "Services distincts", "tickets": "Tickets",
    "payment_assisted": "Paiements accompagnés", "payment_share": "Part des tickets avec paiement",
    "protocol_confirmed": "Protocole de protection confirmé", "confirmation_rate": "Taux de confirmation",
    "answered": "Réponses connues", "no_alternative": "Sans autre choix que le numérique",
    "no_alternative_share": "Part sans alternative", "contacts": "Contacts d'usagers identifiés",
    "returned": "Suivis d'un retour sous 7 jours", "return_rate": "Taux de retour sous 7 jours",
    "first_contact_resolution": "Résolution au premier contact",
    "calls": "Appels", "answered_calls": "Appels répondus", "missed_calls": "Appels manqués",
    "forwarded_calls": "Appels transférés", "answered_rate": "Taux de réponse", "missed_rate": "Taux d'appels manqués",
    "mean_wait_seconds": "Attente moyenne des appels répondus (s)", "p90_wait_seconds": "Attente 90e centile (s)",
    "ticket_share": "Part des appels répondus avec ticket",
}


def _plain(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def serialise_tables(tables: dict[str, pd.DataFrame]) -> dict:
    """{name: {"columns": [...], "rows": [[...], ...]}} with plain Python values."""
    return {name: {"columns": [str(c) for c in frame.columns],
                   "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False)]}
            for name, frame in tables.items()}


def heading(column: str) -> str:
    """The French heading of a column (codes of sites or channels stay as they are)."""
    return COLUMN_LABELS.get(column, column)


def format_value(column: str, value) -> str:
    """A cell as shown: shares as percentages, French decimal comma, empty for missing."""
    if value is None:
        return "—"
    if isinstance(value, float) and (column.endswith(("share", "rate")) or column == "first_contact_resolution"):
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)
