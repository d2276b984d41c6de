"""The pilot data set: the story of the source document, deterministic (seeded), loaded in bulk.

Facilitation at the counters of the 2nd, 4th, 12th and 17th town halls from October 2016 on the three
devices, growing week after week in each; exactly 1,200 tickets opened (Paris time) from 1 October 2016
to 15 February 2017, 240 of them (20 %) State procedures; assisted Crit'Air payments with the protocol
confirmed; residents asking for the residential parking card; then, from March 2017, 3975 calls (some
anonymous, some transferred to a counter) and Facil'Familles requests. Loading twice adds nothing.
"""

import random
from datetime import date, datetime, time, timedelta

import click

from app.auth.models import Agent
from app.auth.services import create_agent
from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.bulk import insert_residents
from app.demo.accounts import DEMO_PASSWORD
from app.demo.people import make_residents
from app.extensions import db
from app.tickets.bulk import insert_tickets
from app.tickets.models import Ticket
from app.timeutil import PARIS

SEED = 20161003
PILOT_HALLS = {"mairie-02": 0.8, "mairie-04": 0.7, "mairie-12": 1.2, "mairie-17": 1.3}  # relative traffic
FIRST_MONDAY, CUTOFF, COUNTER_END = date(2016, 10, 3), date(2017, 2, 15), date(2017, 5, 31)
PILOT_TOTAL, STATE_TOTAL = 1200, 240
CITY_START = date(2017, 3, 1)
STATE_MIX = {"critair": 36, "passport": 18, "id-card": 18, "driving-licence": 10, "vehicle-registration": 10,
             "tax-return": 4, "caf-benefits": 2, "ameli-account": 2}
CITY_MIX = {"compte-parisien": 30, "civil-status-certificate": 12, "cityhall-appointment": 10, "bulky-waste": 8,
            "dansmarue": 6, "nursery-application": 6, "school-enrolment": 6, "library-card": 5,
            "social-housing": 5, "pass-paris-senior": 5, "parking-payment": 4, "sports-booking": 3}
PHONE_MIX = {"bulky-waste": 20, "dansmarue": 12, "cityhall-appointment": 14, "civil-status-certificate": 12,
             "compte-parisien": 10, "parking-payment": 8, "electoral-roll": 6, "social-housing": 6, "critair": 6,
             "passport": 6}
FAMILY_MIX = {"facil-familles-payment": 35, "facil-familles-enrolment": 30, "facil-familles-quotient": 20,
              "nursery-application": 8, "school-enrolment": 7}
PILOT_AGENTS = (("guichet04", "Inès Accueil", "mairie-04"), ("guichet17", "Thomas Accueil", "mairie-17"))
HALL_AGENT = {"mairie-02": "guichet", "mairie-04": "guichet04", "mairie-12": "guichet12", "mairie-17": "guichet17"}


def pilot_loaded() -> bool:
    return db.session.execute(db.select(Ticket.id).where(Ticket.external_ref == "PILOT-000001")).first() is not None


def _pick(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def _weekly_counts() -> dict[str, list[int]]:
    """Tickets per pilot hall per week up to the cut-off: growing in each hall, exactly PILOT_TOTAL in all."""
    weeks = (CUTOFF - FIRST_MONDAY).days // 7 + 1
    raw = {hall: [factor * (week + 4) for week in range(weeks)] for hall, factor in PILOT_HALLS.items()}
    scale = PILOT_TOTAL / sum(sum(v) for v in raw.values())
    counts = {hall: [int(x * scale) for x in values] for hall, values in raw.items()}
    missing = PILOT_TOTAL - sum(sum(v) for v in counts.values())
    remainders = sorted(((x * scale - int(x * scale), hall, i) for hall, values in raw.items()
                         for i, x in enumerate(values)), reverse=True)
    for _rest, hall, i in remainders[:missing]:
        counts[hall][i] += 1
    for values in counts.values():  # rounding must not break the growth
        for i in range(1, len(values)):
            if values[i] < values[i - 1]:
                values[i], values[i - 1] = values[i - 1], values[i]
    return counts


def _instant(rng: random.Random, day: date) -> datetime:
    minutes = rng.randint(9 * 60, 17 * 60 - 1)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=PARIS)


def _workday(rng: random.Random, start: date, end: date) -> date:
    """A random Monday–Friday between start and end (inclusive)."""
    days = [start + timedelta(d) for d in range((end - start).days + 1) if (start + timedelta(d)).weekday() < 5]
    return rng.choice(days)


class _Ids:
    """Codes to ids, read once."""

    def __init__(self):
        self.channel = dict(db.session.execute(db.select(Channel.code, Channel.id)).all())
        self.site = dict(db.session.execute(db.select(Site.code, Site.id)).all())
        self.device = dict(db.session.execute(db.select(Device.code, Device.id)).all())
        self.procedure = dict(db.session.execute(db.select(Procedure.code, Procedure.id)).all())
        self.agent = dict(db.session.execute(db.select(Agent.login, Agent.id)).all())


def _facilitation(rng, ids, hall, day, resident, state: bool) -> dict:
    opened = _instant(rng, day)
    code = _pick(rng, STATE_MIX if state else CITY_MIX)
    paying = code in ("critair", "passport", "vehicle-registration", "parking-payment", "sports-booking")
    assisted = paying and rng.random() < (0.7 if code == "critair" else 0.3)
    if code == "critair":
        choice = "no_alternative" if rng.random() < 0.8 else "chose_digital"
    else:
        choice = rng.choices(["chose_digital", "no_alternative", "wanted_other_channel"], [60, 25, 15])[0]
    wanted = None
    if rng.random() < 0.09:
        wanted = "parking-residential"
    elif rng.random() < 0.03:
        wanted = rng.choice(["housing-aid", "terrace-permit", "funeral-concession"])
    agent = ids.agent.get(HALL_AGENT[hall])
    return {"resident_id": resident["id"], "channel_id": ids.channel["counter"], "site_id": ids.site[hall],
            "device_id": ids.device[rng.choices(["kiosk", "tablet", "dual_screen"], [30, 40, 30])[0]],
            "procedure_id": ids.procedure[code], "agent_id": agent, "opened_at": opened,
            "closed_at": opened + timedelta(minutes=rng.randint(5, 35)), "status": "closed",
            "outcome": rng.choices(["completed", "partial", "redirected", "not_possible_online", "abandoned"],
                                   [78, 8, 6, 5, 3])[0],
            "mode": rng.choices(["guided", "together", "on_behalf"], [50, 30, 20])[0], "digital_choice": choice,
            "requested_procedure_id": ids.procedure[wanted] if wanted else None,
            "payment_assisted": assisted, "protocol_confirmed": assisted,
            "protocol_confirmed_by_id": agent if assisted else None}


def _counter_tickets(rng, ids, people) -> list[dict]:
    rows = []
    for hall, weeks in _weekly_counts().items():
        locals_ = [p for p in people if p.get("hall") == hall]
        for week, count in enumerate(weeks):
            start = FIRST_MONDAY + timedelta(weeks=week)
            end = min(start + timedelta(days=4), CUTOFF)
            rows += [_facilitation(rng, ids, hall, _workday(rng, start, end), rng.choice(locals_), False)
                     for _ in range(count)]
        # After the cut-off the counters go on at the last weeks' pace (not counted in the pilot figures).
        week, start = len(weeks), CUTOFF + timedelta(days=3)
        while start <= COUNTER_END:
            rows += [_facilitation(rng, ids, hall, _workday(rng, start, start + timedelta(days=4)),
                                   rng.choice(locals_), rng.random() < 0.2) for _ in range(weeks[-1])]
            start += timedelta(weeks=1)
    pilot = [r for r in rows if r["opened_at"].date() <= CUTOFF]
    for row in rng.sample(pilot, STATE_TOTAL):  # exactly 20 % of the pilot are State procedures
        row.update(_facilitation(rng, ids, _hall_of(ids, row), row["opened_at"].date(),
                                 {"id": row["resident_id"]}, True), opened_at=row["opened_at"])
        row["closed_at"] = row["opened_at"] + timedelta(minutes=rng.randint(10, 40))
    return rows


def _hall_of(ids, row) -> str:
    return next(code for code, ident in ids.site.items() if ident == row["site_id"])


def _phone_tickets(rng, ids, people) -> list[dict]:
    rows, day = [], CITY_START
    callers = [p for p in people if p.get("phone")]
    while day <= COUNTER_END:
        if day.weekday() < 5:
            for _ in range(4 + (day - CITY_START).days // 12):
                anonymous = rng.random() < 0.2
                opened = _instant(rng, day)
                rows.append({"resident_id": None if anonymous else rng.choice(callers)["id"],
                             "anonymous": anonymous, "channel_id": ids.channel["phone_3975"],
                             "site_id": ids.site["plateforme-3975"], "procedure_id": ids.procedure[_pick(rng, PHONE_MIX)],
                             "agent_id": ids.agent.get("tel3975"), "opened_at": opened,
                             "closed_at": opened + timedelta(minutes=rng.randint(2, 12)), "status": "closed",
                             "outcome": rng.choices(["completed", "redirected", "partial"], [75, 20, 5])[0],
                             "requested_procedure_id": ids.procedure["parking-residential"]
                             if rng.random() < 0.05 else None})
        day += timedelta(days=1)
    return rows


def _family_tickets(rng, ids, people) -> list[dict]:
    rows, day = [], CITY_START
    families = [p for p in people if p.get("family_number")]
    while day <= COUNTER_END:
        if day.weekday() < 5:
            for _ in range(2 + (day - CITY_START).days // 20):
                family, code = rng.choice(families), _pick(rng, FAMILY_MIX)
                opened = _instant(rng, day)
                status = rng.choices(["closed", "resolved", "open", "in_progress", "waiting_resident"],
                                     [70, 10, 8, 6, 6])[0]
                assisted = code == "facil-familles-payment" and rng.random() < 0.5
                agent = ids.agent.get("famille")
                rows.append({"resident_id": family["id"], "channel_id": ids.channel["facil_familles"],
                             "site_id": ids.site["facil-familles"], "procedure_id": ids.procedure[code],
                             "family_number": family["family_number"], "agent_id": agent, "opened_at": opened,
                             "closed_at": opened + timedelta(hours=rng.randint(1, 72))
                             if status in ("closed", "resolved") else None, "status": status,
                             "outcome": "completed" if status in ("closed", "resolved") else None,
                             "mode": rng.choice(["guided", "together", "on_behalf"]),
                             "payment_assisted": assisted, "protocol_confirmed": assisted,
                             "protocol_confirmed_by_id": agent if assisted else None})
        day += timedelta(days=1)
    return rows


def _transfer(rng, ids, call: dict, call_id: int) -> dict:
    """A 3975 call continued at a pilot counter a few days later: the linked ticket of the same journey."""
    hall = rng.choice(list(PILOT_HALLS))
    opened = call["opened_at"] + timedelta(days=rng.randint(1, 6), hours=1)
    return {**_facilitation(rng, ids, hall, opened.date(), {"id": call["resident_id"]}, False),
            "transferred_from_id": call_id, "procedure_id": call["procedure_id"], "opened_at": opened,
            "closed_at": opened + timedelta(minutes=20)}


def load_pilot() -> dict[str, int]:
    """Load the pilot data set unless already there; returns counts of what was created."""
    if pilot_loaded():
        return {"tickets": 0, "residents": 0}
    for login, name, site_code in PILOT_AGENTS:
        if login not in dict(db.session.execute(db.select(Agent.login, Agent.id)).all()):
            create_agent(login, "counter_agent", DEMO_PASSWORD, name=name, site_code=site_code)
    db.session.flush()
    rng, ids = random.Random(SEED), _Ids()
    people = make_residents(rng)
    for person, rid in zip(people, insert_residents(people, ids.agent.get("guichet")), strict=True):
        person["id"] = rid
    counter = _counter_tickets(rng, ids, people)
    calls, families = _phone_tickets(rng, ids, people), _family_tickets(rng, ids, people)
    for number, row in enumerate(counter + calls + families, start=1):
        row["external_ref"] = f"PILOT-{number:06d}"
    calls.sort(key=lambda r: r["opened_at"])
    picked = sorted(rng.sample([i for i, call in enumerate(calls) if call["resident_id"]], 25))
    for i in picked:
        calls[i]["status"] = "transferred"
    first = insert_tickets(sorted(counter + families, key=lambda r: r["opened_at"]), None, note="pilote")
    call_ids = insert_tickets(calls, None, note="pilote")
    transfers = [_transfer(rng, ids, calls[i], call_ids[i]) for i in picked]
    for number, row in enumerate(transfers, start=len(counter) + len(calls) + len(families) + 1):
        row["external_ref"] = f"PILOT-{number:06d}"
    later = insert_tickets(transfers, None, note="pilote")
    return {"tickets": len(first) + len(call_ids) + len(later), "residents": len(people)}


def pilot_step() -> None:
    """The `demo load` step."""
    counts = load_pilot()
    if counts["tickets"]:
        click.echo(f"Jeu de données du pilote : {counts['tickets']} tickets, {counts['residents']} usagers.")
    else:
        click.echo("Jeu de données du pilote déjà chargé.")
