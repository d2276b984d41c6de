"""Read side of telephony: residents matching a number, the caller log, an operator's current call."""

from datetime import datetime, timedelta

from sqlalchemy import case, func, or_

from app.auth.models import Agent
from app.contacts.models import Resident
from app.contacts.queries import live_clause
from app.extensions import db
from app.telephony.callids import stored_call_id
from app.telephony.models import Call
from app.timeutil import utcnow

PANEL_WINDOW = timedelta(minutes=30)  # an answered call stays on the operator's panel this long without a ticket


def residents_for_number(e164: str | None, limit: int = 5) -> list[Resident]:
    """Live residents whose phone or second phone is this number (several when a household shares it)."""
    if not e164:
        return []
    return list(db.session.execute(
        db.select(Resident).where(live_clause(), or_(Resident.phone == e164, Resident.phone_alt == e164))
        .order_by(Resident.last_contact_at.desc().nulls_last(), Resident.id).limit(limit)).scalars())


def get_call(call_id: int) -> Call | None:
    """The call with this id; None when unknown."""
    return db.session.get(Call, call_id)


def get_call_by_external_id(call_id: str, *, for_update: bool = False) -> Call | None:
    """The call the phone system calls `call_id` (matched by its digest when it is stored as one); None when
    unknown. `for_update` locks the row until the transaction ends (PostgreSQL; SQLite serialises writers)."""
    query = db.select(Call).where(Call.call_id == stored_call_id(call_id))
    if for_update:
        query = query.with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def find_operator(answering_number: str | None, users: tuple[str, ...]) -> Agent | None:
    """The 3975 operator named by an event: extension first, then login, then full name (active agents)."""
    active = Agent.active.is_(True)
    if answering_number:
        agent = db.session.execute(db.select(Agent).where(active, Agent.extension == answering_number)
                                   ).scalar_one_or_none()
        if agent is not None:
            return agent
    for user in users:
        agent = db.session.execute(db.select(Agent).where(active, Agent.login == user.lower())).scalars().first()
        if agent is None:
            agent = db.session.execute(db.select(Agent).where(active, Agent.name == user)
                                       .order_by(Agent.id)).scalars().first()
        if agent is not None:
            return agent
    return None


def list_calls(*, agent_id: int | None = None, state: str | None = None, since: datetime | None = None,
               until: datetime | None = None, limit: int = 200, offset: int = 0) -> list[Call]:
    """The caller log, newest first, optionally for one operator, one state or a period."""
    query = db.select(Call)
    if agent_id is not None:
        query = query.where(Call.agent_id == agent_id)
    if state is not None:
        query = query.where(Call.state == state)
    if since is not None:
        query = query.where(Call.started_at >= since)
    if until is not None:
        query = query.where(Call.started_at < until)
    return list(db.session.execute(query.order_by(Call.started_at.desc(), Call.id.desc())
                                   .limit(limit).offset(offset)).scalars())


def current_call_for(agent_id: int) -> Call | None:
    """The call on the operator's panel: the latest one they answered recently that has no ticket yet."""
    return db.session.execute(
        db.select(Call).where(Call.agent_id == agent_id, Call.answered_at.is_not(None), Call.ticket_id.is_(None),
                              Call.answered_at >= utcnow() - PANEL_WINDOW)
        .order_by(Call.answered_at.desc(), Call.id.desc()).limit(1)).scalar_one_or_none()


def call_for_ticket(ticket_id: int) -> Call | None:
    """The call a ticket was logged for, if any."""
    return db.session.execute(db.select(Call).where(Call.ticket_id == ticket_id).limit(1)).scalar_one_or_none()


def _hour(column):
    """The UTC hour a timestamp falls in (Paris offsets are whole hours: the bucket is the same in Paris)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H:00:00", column)


def calls_per_hour(start: datetime, end: datetime) -> list[dict]:
    """Inbound calls per UTC hour in [start, end): counts by state, answered with a ticket, summed waits."""
    hour = _hour(Call.started_at).label("hour")
    answered = Call.state == "answered"
    query = (db.select(hour, func.count().label("calls"),
                       func.sum(case((answered, 1), else_=0)).label("answered"),
                       func.sum(case((Call.state == "missed", 1), else_=0)).label("missed"),
                       func.sum(case((Call.state == "forwarded", 1), else_=0)).label("forwarded"),
                       func.sum(case((answered & Call.ticket_id.is_not(None), 1), else_=0)).label("with_ticket"),
                       func.sum(case((answered, Call.wait_seconds), else_=0)).label("answered_wait"))
             .where(Call.direction == "in", Call.started_at >= start, Call.started_at < end)
             .group_by(hour).order_by(hour))
    return [dict(row._mapping) for row in db.session.execute(query)]


def answered_waits(start: datetime, end: datetime) -> list[dict]:
    """Answered inbound calls per wait (seconds), for the percentiles."""
    query = (db.select(Call.wait_seconds.label("wait"), func.count().label("calls"))
             .where(Call.direction == "in", Call.state == "answered", Call.wait_seconds.is_not(None),
                    Call.started_at >= start, Call.started_at < end)
             .group_by(Call.wait_seconds).order_by(Call.wait_seconds))
    return [dict(row._mapping) for row in db.session.execute(query)]
