"""Demo data: a morning of March 2017 on the 3975 (the one with most pilot 3975 tickets), as the phone
system would have reported it.

Each pilot 3975 ticket of that morning gets its answered call (rang a few seconds before the ticket was
opened, hung up when it was closed); missed and forwarded calls, some anonymous, fill the gaps, and one
missed call has been called back. Idempotent: nothing is added when the demo calls are there.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import click

from app.auth.admin_services import set_agent_extension
from app.auth.models import Agent
from app.channels.models import Channel
from app.contacts.models import Resident
from app.extensions import db
from app.telephony.models import Call
from app.tickets.models import Ticket
from app.timeutil import PARIS, to_paris

MARCH_2017 = (date(2017, 3, 1), date(2017, 3, 31))
MORNING_HOURS = (time(8, 30), time(13, 0))
PLATFORM_NUMBER = "3975"
QUEUE = "3975-accueil"
SEED = 3975
PREFIX = "DEMO-201703-"
DEMO_EXTENSION = "201"  # the demo operator's phone extension


def _bounds(day: date) -> tuple[datetime, datetime]:
    return tuple(datetime.combine(day, hour, tzinfo=PARIS).astimezone(UTC) for hour in MORNING_HOURS)


def _phone_tickets(start: datetime, end: datetime) -> list[Ticket]:
    phone = db.select(Channel.id).where(Channel.code == "phone_3975").scalar_subquery()
    return list(db.session.execute(db.select(Ticket).where(Ticket.channel_id == phone, Ticket.opened_at >= start,
                                                           Ticket.opened_at < end).order_by(Ticket.opened_at)
                                   ).scalars())


def demo_morning() -> date:
    """The March 2017 morning with the most pilot 3975 tickets (the earliest on a tie)."""
    start, end = _bounds(MARCH_2017[0])[0], _bounds(MARCH_2017[1] + timedelta(days=1))[0]
    counts: dict[date, int] = {}
    for ticket in _phone_tickets(start, end):
        opened = to_paris(ticket.opened_at)
        if MORNING_HOURS[0] <= opened.time() < MORNING_HOURS[1]:
            counts[opened.date()] = counts.get(opened.date(), 0) + 1
    return max(sorted(counts), key=lambda day: counts[day]) if counts else date(2017, 3, 6)


def load_demo_calls() -> int:
    """Add the demo morning's calls unless already there; returns how many were added."""
    if db.session.execute(db.select(Call.id).where(Call.call_id.startswith(PREFIX)).limit(1)).first():
        return 0
    rng = random.Random(SEED)
    operator = db.session.execute(db.select(Agent).where(Agent.login == "tel3975")).scalar_one_or_none()
    if operator is not None and operator.extension is None:
        set_agent_extension(operator, DEMO_EXTENSION)
    morning = demo_morning()
    start, end = _bounds(morning)
    tickets = _phone_tickets(start, end)
    phones = dict(db.session.execute(db.select(Resident.id, Resident.phone).where(
        Resident.id.in_([t.resident_id for t in tickets if t.resident_id]))).all())
    callers = [phone for phone in phones.values() if phone]
    calls = []
    for ticket in tickets:
        wait = rng.choice([4, 6, 8, 11, 14, 18, 25, 32, 47, 75])
        number = phones.get(ticket.resident_id) if not ticket.anonymous else None
        ended = ticket.closed_at or ticket.opened_at + timedelta(minutes=4)
        calls.append(Call(call_id="", direction="in", number=number, anonymous=number is None, dialled=PLATFORM_NUMBER,
                          queue=QUEUE, state="answered", cause="normalClearing",
                          started_at=ticket.opened_at - timedelta(seconds=wait), answered_at=ticket.opened_at,
                          ended_at=ended, wait_seconds=wait,
                          duration_seconds=int((ended - ticket.opened_at).total_seconds()),
                          agent_id=operator.id if operator else None, resident_id=ticket.resident_id,
                          ticket_id=ticket.id))
    span = int((end - start).total_seconds())
    for n in range(max(6, len(tickets))):
        started = start + timedelta(seconds=rng.randrange(span))
        forwarded = n % 5 == 4
        anonymous = not callers or n % 4 == 1
        wait = rng.randint(20, 150)
        calls.append(Call(call_id="", direction="in", number=None if anonymous else rng.choice(callers),
                          anonymous=anonymous, dialled=PLATFORM_NUMBER, queue=QUEUE,
                          state="forwarded" if forwarded else "missed", cause="forwarded" if forwarded else "cancel",
                          started_at=started, ended_at=started + timedelta(seconds=wait), wait_seconds=wait))
    calls.sort(key=lambda call: call.started_at)
    for number, call in enumerate(calls, start=1):
        call.call_id = f"{PREFIX}{number:03d}"
        if call.number:
            call.resident_id = call.resident_id or next(
                (rid for rid, phone in phones.items() if phone == call.number), None)
    missed = [call for call in calls if call.state == "missed" and call.number]
    if missed and operator is not None:
        missed[0].called_back_at = missed[0].ended_at + timedelta(minutes=20)
        missed[0].called_back_by_id = operator.id
    db.session.add_all(calls)
    db.session.flush()
    return len(calls)


def calls_step() -> None:
    """The `demo load` step."""
    count = load_demo_calls()
    if count:
        click.echo(f"Appels du 3975 (matinée du {demo_morning():%d/%m/%Y}) : {count} appels.")
    else:
        click.echo("Appels du 3975 de démonstration déjà chargés.")
