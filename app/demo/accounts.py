"""The demo agents: one per role, the same password (shown by `flask demo load`)."""

from app.auth.models import Agent
from app.auth.services import create_agent
from app.channels.models import Site
from app.extensions import db

DEMO_PASSWORD = "relais-demo-2017"
# login, role, display name, home site code
DEMO_AGENTS = (
    ("guichet", "counter_agent", "Camille Guichet", "mairie-02"),
    ("guichet12", "counter_agent", "Karim Accueil", "mairie-12"),
    ("tel3975", "operator_3975", "Sophie Téléconseil", "plateforme-3975"),
    ("famille", "facil_familles", "Nadia Familles", "facil-familles"),
    ("manager", "manager", "Louis Pilotage", None),
    ("admin", "admin", "Aline Admin", None),
)


def load_demo_agents() -> int:
    """Create the demo agents that do not exist yet; returns how many were created."""
    created = 0
    for login, role, name, site_code in DEMO_AGENTS:
        if db.session.execute(db.select(Agent).where(Agent.login == login)).scalar_one_or_none():
            continue
        site_exists = site_code and db.session.execute(db.select(Site.id).where(Site.code == site_code)).first()
        create_agent(login, role, DEMO_PASSWORD, name=name, site_code=site_code if site_exists else None)
        created += 1
    return created
