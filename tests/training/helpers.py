"""Builders shared by the training tests."""

from datetime import date, timedelta

from app.extensions import db
from app.timeutil import paris_day, utcnow
from app.training.queries import get_module_by_code
from app.training.services import record_training

TICKET_HEADER = ("external_ref;opened_at;channel;site;device;procedure;resident_name;resident_email;status;outcome;"
                 "payment_assisted;protocol_confirmed;agent")


def today() -> date:
    return paris_day(utcnow())


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def train(agent, *codes: str, on: date | None = None, trainer: str | None = None):
    """Record sessions of these modules for `agent` (today by default) and commit."""
    for code in codes:
        record_training(agent, get_module_by_code(code), on or today(), trainer)
    db.session.commit()


def ticket_line(ref: str, day: date, login: str, procedure: str = "critair", payment: bool = True,
                site: str = "mairie-02") -> str:
    flag = "yes" if payment else "no"
    return ";".join([ref, f"{day.isoformat()} 10:00", "counter", site, "kiosk", procedure, "DURAND Paul",
                     "paul.durand@exemple.fr", "closed", "completed", flag, flag, login])


def ticket_file(*lines: str) -> bytes:
    return ("\n".join([TICKET_HEADER, *lines]) + "\n").encode("utf-8")
