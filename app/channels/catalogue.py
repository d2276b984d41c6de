"""The starting procedure catalogue: Paris démarches, City's and State's."""

SP = "https://www.service-public.gouv.fr"
PARIS = "https://www.paris.fr"


def _p(code, label, owner, domain, availability="online", payment=False, url=None):
    return {"code": code, "label": label, "owner": owner, "domain": domain, "availability": availability,
            "involves_payment": payment, "online_url": url}


PROCEDURES = (
    # State services the City's agents handle anyway (ANTS, Crit'Air, taxes...).
    _p("critair", "Vignette Crit'Air (certificat qualité de l'air)", "state", "mobilité", "online", True,
       "https://www.certificat-air.gouv.fr"),
    _p("passport", "Passeport : pré-demande en ligne (ANTS)", "state", "identité", "online", True,
       "https://passeport.ants.gouv.fr"),
    _p("id-card", "Carte nationale d'identité : pré-demande en ligne (ANTS)", "state", "identité", "online",
       False, "https://passeport.ants.gouv.fr"),
    _p("driving-licence", "Permis de conduire (ANTS)", "state", "mobilité", "online", False,
       "https://permisdeconduire.ants.gouv.fr"),
    _p("vehicle-registration", "Certificat d'immatriculation / carte grise (ANTS)", "state", "mobilité",
       "online", True, "https://immatriculation.ants.gouv.fr"),
    _p("tax-return", "Déclaration de revenus en ligne", "state", "fiscalité", "online", False,
       "https://www.impots.gouv.fr"),
    _p("electoral-roll", "Inscription sur les listes électorales", "state", "citoyenneté", "online", False,
       SP + "/particuliers/vosdroits/R16396"),
    _p("caf-benefits", "Prestations CAF : demande en ligne", "state", "social", "online", False,
       "https://www.caf.fr"),
    _p("census", "Recensement citoyen (journée défense et citoyenneté)", "state", "citoyenneté", "online",
       False, "https://www.majdc.fr"),
    _p("ameli-account", "Compte ameli (assurance maladie)", "state", "social", "online", False,
       "https://www.ameli.fr"),
    # City services.
    _p("compte-parisien", "Création ou aide au compte parisien", "city", "compte parisien", "online", False,
       PARIS + "/moncompte"),
    _p("parking-residential", "Carte de stationnement résidentiel", "city", "stationnement", "not_online"),
    _p("parking-payment", "Paiement du stationnement (PayByPhone, forfait post-stationnement)", "city",
       "stationnement", "online", True, PARIS + "/stationnement"),
    _p("parking-disabled", "Stationnement des personnes handicapées (carte mobilité inclusion)", "city",
       "stationnement", "offline_only"),
    _p("facil-familles-enrolment", "Facil'Familles : inscription aux activités (crèche, cantine, centres)",
       "city", "famille", "online", False, PARIS + "/facilfamilles"),
    _p("facil-familles-payment", "Facil'Familles : paiement des factures", "city", "famille", "online", True,
       PARIS + "/facilfamilles"),
    _p("facil-familles-quotient", "Facil'Familles : calcul du quotient familial", "city", "famille",
       "online", False, PARIS + "/facilfamilles"),
    _p("nursery-application", "Demande de place en crèche", "city", "famille", "online", False,
       PARIS + "/creches"),
    _p("school-enrolment", "Inscription scolaire (maternelle, élémentaire)", "city", "famille", "online",
       False, PARIS + "/ecoles"),
    _p("conservatory-enrolment", "Inscription aux conservatoires", "city", "culture", "online", True,
       PARIS + "/conservatoires"),
    _p("civil-status-certificate", "Actes d'état civil (naissance, mariage, décès)", "city", "état civil",
       "online", False, PARIS + "/etat-civil"),
    _p("marriage-file", "Dossier de mariage / PACS", "city", "état civil", "offline_only"),
    _p("dansmarue", "Signalement d'une anomalie dans la rue (DansMaRue)", "city", "espace public", "online",
       False, PARIS + "/dansmarue"),
    _p("bulky-waste", "Enlèvement des encombrants", "city", "propreté", "online", False,
       PARIS + "/encombrants"),
    _p("library-card", "Inscription aux bibliothèques de Paris", "city", "culture", "online", False,
       "https://bibliotheques.paris.fr"),
    _p("sports-booking", "Réservation d'équipements sportifs (Paris Tennis)", "city", "sport", "online", True,
       "https://tennis.paris.fr"),
    _p("social-housing", "Demande de logement social", "city", "logement", "online", False,
       PARIS + "/logement"),
    _p("pass-paris-senior", "Pass Paris Seniors / Pass Paris Access'", "city", "social", "online", False,
       PARIS + "/pass-paris"),
    _p("terrace-permit", "Autorisation de terrasse ou d'étalage", "city", "commerce", "not_online"),
    _p("funeral-concession", "Concession funéraire", "city", "état civil", "not_online"),
    _p("housing-aid", "Aide au logement Paris Logement", "city", "logement", "not_online"),
    _p("cityhall-appointment", "Prise de rendez-vous en mairie", "city", "compte parisien", "online", False,
       PARIS + "/rendez-vous"),
)
