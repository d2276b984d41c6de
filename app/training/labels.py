"""The French vocabulary of training, once: statuses, scopes, policies, column names."""

STATUS_LABELS = {"valid": "valide", "expiring": "expire bientôt", "expired": "expirée"}
SCOPE_LABELS = {"payment": "Tout paiement accompagné", "state": "Toute démarche de l'État",
                "procedure": "Démarche", "channel": "Canal"}
POLICY_LABELS = {"refuse": "Refuser le ticket", "flag": "Enregistrer et signaler « agent non formé »"}
SOURCE_LABELS = {"form": "saisie", "import": "import", "command": "commande", "pilot": "pilote"}
UNTRAINED_FLAG = "agent non formé"
WHAT_TO_DO = "demandez une session à votre responsable"
