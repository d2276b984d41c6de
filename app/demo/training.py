"""Training of the pilot data set, called by `demo load` after the pilot tickets.

The counter agents of the four pilot town halls were trained in September 2016, before the pilot opened
(payment protocol included, so every pilot payment ticket is valid) — except that the 17th's agent had
followed the State-procedures module in January 2016 and not since: it lapsed on 18 January 2017, and
the 17th lets such tickets through flagged "agent non formé". The 3975 and Facil'Familles agents were
trained in February 2017, before those channels opened in March. So that the demo works today, agents
whose sessions have lapsed since get a refresher dated the day of the load (Camille's payment protocol
refresher expires within the month: her home page shows the reminder).
"""

from datetime import date, timedelta

import click

from app.auth.models import Agent
from app.channels.models import Site
from app.extensions import db
from app.tickets.flags import refresh_untrained_flags
from app.tickets.models import Ticket
from app.timeutil import paris_day, utcnow
from app.training.models import TrainingModule
from app.training.queries import existing_sessions
from app.training.reference import load_training_reference
from app.training.rules import is_valid_on
from app.training.services import add_months, expiry_of, record_training, set_site_policy

COUNTER_MODULES = ("facilitation", "payment-protocol", "state-procedures", "personal-data")
# login, module codes, day, trainer
SESSIONS = (
    ("guichet", COUNTER_MODULES, date(2016, 9, 12), "Mission numérique de la Ville"),
    ("guichet04", COUNTER_MODULES, date(2016, 9, 13), "Mission numérique de la Ville"),
    ("guichet12", COUNTER_MODULES, date(2016, 9, 19), "Mission numérique de la Ville"),
    ("guichet17", ("facilitation", "payment-protocol", "personal-data"), date(2016, 9, 20),
     "Mission numérique de la Ville"),
    ("guichet17", ("state-procedures",), date(2016, 1, 18), "Préfecture de police"),
    ("tel3975", ("phone-3975", "personal-data", "state-procedures"), date(2017, 2, 13), "Plateforme 3975"),
    ("famille", ("facil-familles", "payment-protocol", "personal-data"), date(2017, 2, 14),
     "Direction des familles"),
)
FLAGGING_SITE = "mairie-17"
REMINDER = ("guichet", "payment-protocol", 20)  # this refresher expires in 20 days


def load_pilot_training(today: date | None = None) -> dict[str, int]:
    """Record the pilot's sessions (and today's refreshers), set the 17th to flag, flag the pilot tickets."""
    today = today or paris_day(utcnow())
    load_training_reference()
    agents = {a.login: a for a in db.session.execute(db.select(Agent)).scalars()}
    modules = {m.code: m for m in db.session.execute(db.select(TrainingModule)).scalars()}
    created = 0
    for login, codes, day, trainer in SESSIONS:
        if login not in agents:
            continue
        for code in codes:
            created += record_training(agents[login], modules[code], day, trainer, source="pilot", today=today)[1]
    site = db.session.execute(db.select(Site).where(Site.code == FLAGGING_SITE)).scalar_one_or_none()
    if site is not None:
        set_site_policy(site, "flag")
    created += _refreshers(agents, modules, today)
    db.session.flush()
    flags = refresh_untrained_flags(Ticket.external_ref.like("PILOT-%"))
    return {"records": created, "flags": flags}


def _refreshers(agents: dict, modules: dict, today: date) -> int:
    """A session today for each pilot module no longer valid today (one dated to expire soon)."""
    held = {(login, code) for login, codes, _day, _trainer in SESSIONS for code in codes if login in agents}
    sessions = existing_sessions(sorted({agents[login].id for login, _code in held}))
    created = 0
    for login, code in sorted(held):
        agent, module = agents[login], modules[code]
        valid = any(a == agent.id and m == module.id and is_valid_on(day, expiry_of(module, day), today)
                    for a, m, day in sessions)
        if valid:
            continue
        day = today
        if (login, code) == REMINDER[:2] and module.validity_months:
            day = add_months(today, -module.validity_months) + timedelta(days=REMINDER[2])
        created += record_training(agent, module, day, "Recyclage", source="pilot", today=today)[1]
    return created


def training_pilot_step() -> None:
    """The `demo load` step."""
    counts = load_pilot_training()
    click.echo(f"Formations du pilote : {counts['records']} session(s) enregistrée(s), "
               f"{counts['flags']} ticket(s) signalé(s) « agent non formé » mis à jour.")
