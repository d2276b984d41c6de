"""French labels of the reference codes (owner, availability, site kind), for every screen and export."""

OWNER_LABELS = {"city": "Ville de Paris", "state": "État"}
AVAILABILITY_LABELS = {
    "online": "En ligne",
    "not_online": "Pas encore en ligne (demandée)",
    "offline_only": "Hors ligne uniquement",
}
SITE_KIND_LABELS = {
    "town_hall": "Mairie d'arrondissement",
    "phone_platform": "Plateforme téléphonique",
    "family_office": "Bureau Facil'Familles",
}

# The procedure's owner: one heading and one spelling of each value, everywhere.
OWNER_TITLE = "Porteur"


def owner_label(code) -> str:
    """"Ville de Paris", "État", or "—" for no procedure."""
    return OWNER_LABELS.get(code, "—") if code else "—"
