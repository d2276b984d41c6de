"""What each role does first: the actions of the home page, declared here as data.

Each action is (label, endpoint, description); the home page leaves out an action whose endpoint the app
does not serve. A new page that a role starts from gets its line here, nowhere else.
"""

from typing import NamedTuple


class HomeAction(NamedTuple):
    label: str
    endpoint: str
    description: str


FIND_RESIDENT = HomeAction("Rechercher un usager", "contacts.index",
                           "Retrouver un usager par nom, téléphone, e-mail ou référence, ou le créer.")
MY_TICKETS = HomeAction("Mes tickets ouverts", "tickets.my_tickets",
                        "Les tickets dont vous êtes l'agent, pas encore clos.")
SITE_QUEUE = HomeAction("File de mon site", "tickets.site_queue",
                        "Les tickets à traiter de votre site, du plus ancien au plus récent.")
SEARCH_TICKETS = HomeAction("Rechercher des tickets", "tickets.search",
                            "Filtrer par canal, site, statut, démarche, porteur, période ; export CSV.")
MY_TRAINING = HomeAction("Mon livret de formation", "training.my_record",
                         "Vos formations, leurs dates de validité, ce qu'elles vous permettent.")
CALL_LOG = HomeAction("Journal des appels", "telephony.calls",
                      "Les appels du 3975 : attente, durée, appels manqués à rappeler.")
DASHBOARDS = HomeAction("Tableaux de bord", "reports.dashboard",
                        "Volumes, part de l'État, canaux, démarches : graphiques, tableaux et exports.")
TEAM_TRAINING = HomeAction("Formation des agents", "training.agents",
                           "Qui est formé à quoi, par site ; formations qui expirent.")

HOME_ACTIONS: dict[str, tuple[HomeAction, ...]] = {
    "counter_agent": (
        FIND_RESIDENT,
        HomeAction("Nouveau ticket", "tickets.new", "Enregistrer une démarche accompagnée."),
        MY_TICKETS, SITE_QUEUE, SEARCH_TICKETS, MY_TRAINING,
    ),
    "operator_3975": (
        FIND_RESIDENT,
        CALL_LOG,
        HomeAction("Nouvel appel", "tickets.new", "Trouver l'appelant et enregistrer l'appel."),
        MY_TICKETS, SITE_QUEUE, SEARCH_TICKETS, MY_TRAINING,
    ),
    "facil_familles": (
        FIND_RESIDENT,
        HomeAction("Nouvelle demande", "tickets.new", "Enregistrer une demande d'une famille."),
        MY_TICKETS, SITE_QUEUE, SEARCH_TICKETS, MY_TRAINING,
    ),
    "manager": (DASHBOARDS, CALL_LOG, SEARCH_TICKETS, MY_TRAINING, TEAM_TRAINING),
    "admin": (
        HomeAction("Intégrations", "integrations_admin.index",
                   "Jetons du standard téléphonique et des systèmes qui utilisent l'API."),
        HomeAction("Journal d'audit", "audit.index",
                   "Qui a consulté ou modifié quelles données personnelles, quand et d'où."),
        HomeAction("Agents", "agents_admin.index",
                   "Créer les comptes, changer rôle et site, désactiver, réinitialiser un mot de passe."),
        HomeAction("Référentiels", "channels.index",
                   "Canaux et leurs règles, sites, dispositifs, catalogue des démarches (import et export CSV)."),
        HomeAction("Données personnelles", "privacy.index",
                   "Droit d'accès, anonymisation d'un usager, durées de conservation."),
        DASHBOARDS,
        HomeAction("Importer des tickets", "tickets.import_upload",
                   "Charger un historique (CSV) : tout ou rien, chaque erreur listée."),
        MY_TRAINING, TEAM_TRAINING,
        HomeAction("Modules de formation", "training.modules",
                   "Modules, exigences par démarche ou canal, règle de chaque site, import des sessions."),
    ),
}


def home_actions(role: str, served_endpoints) -> list[HomeAction]:
    """The role's actions whose page the app serves, in their order."""
    return [action for action in HOME_ACTIONS.get(role, ()) if action.endpoint in served_endpoints]
