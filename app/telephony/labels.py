"""French vocabulary of telephony, used by the caller log, the panel, charts and exports."""

STATE_LABELS = {"ringing": "En attente", "answered": "Répondu", "missed": "Manqué", "forwarded": "Transféré"}
DIRECTION_LABELS = {"in": "Entrant", "out": "Sortant"}
CAUSE_LABELS = {"normalClearing": "Fin normale", "busy": "Occupé", "cancel": "Raccroché par l'appelant",
                "noAnswer": "Sans réponse", "congestion": "Réseau saturé", "notFound": "Numéro introuvable",
                "forwarded": "Transféré"}
