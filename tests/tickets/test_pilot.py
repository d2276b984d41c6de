"""The pilot data set tells the source's story, deterministically, and loads once."""

from datetime import date

import pytest
from sqlalchemy import func

from app.channels.models import Channel, Procedure, Site
from app.demo.cli import load_all
from app.demo.tickets import load_pilot
from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import paris_day_bounds

FROM, TO = paris_day_bounds(date(2016, 10, 1))[0], paris_day_bounds(date(2017, 2, 15))[1]


@pytest.fixture
def pilot(app, reference):
    load_all()
    return True


def _count(*where) -> int:
    stmt = db.select(func.count(Ticket.id)).select_from(Ticket).outerjoin(Procedure, Procedure.id == Ticket.procedure_id)
    return db.session.execute(stmt.where(Ticket.opened_at >= FROM, Ticket.opened_at < TO, *where)).scalar_one()


def test_about_1200_tickets_by_mid_february_and_20_percent_state(pilot):
    total, state = _count(), _count(Procedure.owner == "state")
    assert (total, state) == (1200, 240)  # `report run state-share` must find these figures


def test_pilot_is_in_the_four_town_halls_on_three_devices_and_growing(pilot):
    rows = db.session.execute(
        db.select(Site.code, func.count(Ticket.id)).join(Site, Site.id == Ticket.site_id)
        .where(Ticket.opened_at >= FROM, Ticket.opened_at < TO).group_by(Site.code)).all()
    assert {code for code, _n in rows} == {"mairie-02", "mairie-04", "mairie-12", "mairie-17"}
    for code in ("mairie-02", "mairie-04", "mairie-12", "mairie-17"):
        site_id = db.session.execute(db.select(Site.id).where(Site.code == code)).scalar_one()
        october = _count(Ticket.site_id == site_id, Ticket.opened_at < paris_day_bounds(date(2016, 11, 1))[0])
        january = _count(Ticket.site_id == site_id, Ticket.opened_at >= paris_day_bounds(date(2017, 1, 1))[0],
                         Ticket.opened_at < paris_day_bounds(date(2017, 2, 1))[0])
        assert january > october
    devices = db.session.execute(db.select(func.count(func.distinct(Ticket.device_id)))
                                 .where(Ticket.opened_at < TO)).scalar_one()
    assert devices == 3


def test_pilot_holds_critair_payments_parking_demand_and_later_channels(pilot):
    critair = db.session.execute(db.select(Procedure.id).where(Procedure.code == "critair")).scalar_one()
    paid = db.session.execute(db.select(func.count(Ticket.id)).where(
        Ticket.procedure_id == critair, Ticket.payment_assisted.is_(True), Ticket.protocol_confirmed.is_(True),
        Ticket.protocol_confirmed_by_id.is_not(None))).scalar_one()
    assert paid > 20
    parking = db.session.execute(db.select(Procedure.id).where(Procedure.code == "parking-residential")).scalar_one()
    assert db.session.execute(db.select(func.count(Ticket.id)).where(
        Ticket.requested_procedure_id == parking)).scalar_one() > 50
    for code in ("phone_3975", "facil_familles"):
        first = db.session.execute(db.select(func.min(Ticket.opened_at)).join(Channel).where(
            Channel.code == code)).scalar_one()
        assert first >= paris_day_bounds(date(2017, 3, 1))[0]
    assert db.session.execute(db.select(func.count(Ticket.id)).where(
        Ticket.transferred_from_id.is_not(None))).scalar_one() == 25


def test_loading_twice_adds_nothing_and_the_data_is_the_same_every_time(pilot):
    before = db.session.execute(db.select(func.count(Ticket.id))).scalar_one()
    assert load_pilot() == {"tickets": 0, "residents": 0}
    assert db.session.execute(db.select(func.count(Ticket.id))).scalar_one() == before
    sample = db.session.execute(db.select(Ticket.external_ref, Ticket.opened_at, Ticket.procedure_id)
                                .order_by(Ticket.external_ref).limit(5)).all()
    assert sample[0][0] == "PILOT-000001"
