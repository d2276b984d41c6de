"""French vocabulary of the API: scopes."""

SCOPES = {
    "cti": "Événements d'appels du standard (CTI)",
    "calls:read": "Lire le journal des appels",
    "residents:read": "Rechercher des usagers",
    "tickets:read": "Lire des tickets",
    "tickets:write": "Créer et lire des tickets",
    "reports:run": "Demander un tableau de bord et suivre son calcul",
}
