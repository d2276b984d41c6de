"""French vocabulary of the API: scopes."""

SCOPES = {
    "cti": "Événements d'appels du standard (CTI)",
    "calls:read": "Lire le journal des appels",
    "residents:read": "Rechercher des usagers",
    "tickets:read": "Lire des tickets",
    "tickets:write": "Créer et lire des tickets",
    "reports:run": "Demander un tableau de bord et suivre son calcul",
}
# Scopes over the 3975's calls: the token must serve the 3975 platform (app/api/scope.py).
CALL_SCOPES = ("cti", "calls:read")
# The scopes a read route accepts: writing tickets includes reading them (the label says so).
TICKET_READ_SCOPES = ("tickets:read", "tickets:write")
