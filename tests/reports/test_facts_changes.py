"""The facts follow every ticket write, whatever path wrote it: database triggers record the dirty days."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, update

from app.channels.models import Site
from app.extensions import db
from app.reports.facts.dirty import pending_changes
from app.reports.facts.models import fact_activity
from app.reports.facts.rebuild import rebuild_facts
from app.reports.facts.refresh import refresh_facts
from app.tickets.models import Ticket
from tests.reports.factory import make_ticket, ref
from tests.tickets.test_import import _file, _line


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def facts_per_day() -> dict[date, int]:
    rows = db.session.execute(db.select(fact_activity.c.day, db.func.sum(fact_activity.c.tickets))
                              .group_by(fact_activity.c.day)).all()
    return {day: count for day, count in rows if count}


def tickets_per_paris_day() -> dict[date, int]:
    from app.timeutil import paris_day

    counts: dict[date, int] = {}
    for (opened_at,) in db.session.execute(db.select(Ticket.opened_at)):
        counts[paris_day(opened_at)] = counts.get(paris_day(opened_at), 0) + 1
    return counts


def test_a_change_committed_late_with_a_stamp_older_than_the_last_refresh_is_counted(app, reference):
    make_ticket(utc(2017, 1, 3, 9))
    db.session.commit()
    refresh_facts()
    db.session.commit()
    # A slow transaction: it stamped its change two hours ago, and commits only now, after a refresh.
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    make_ticket(utc(2017, 1, 3, 10), updated_at=long_ago)
    moved = make_ticket(utc(2017, 1, 3, 11), updated_at=long_ago)
    db.session.commit()
    refresh_facts()
    db.session.commit()
    moved.opened_at, moved.updated_at = utc(2017, 1, 12, 11), long_ago  # moved to another day, stamped in the past
    db.session.commit()
    refresh_facts()
    assert facts_per_day() == {date(2017, 1, 3): 2, date(2017, 1, 12): 1}


def test_a_deleted_ticket_leaves_the_facts(app, reference):
    kept = make_ticket(utc(2017, 1, 3, 9))
    gone = make_ticket(utc(2017, 1, 3, 10))
    db.session.commit()
    refresh_facts()
    assert facts_per_day() == {date(2017, 1, 3): 2}
    db.session.delete(gone)
    db.session.commit()
    refresh_facts()
    assert facts_per_day() == {date(2017, 1, 3): 1}
    db.session.execute(delete(Ticket).where(Ticket.id == kept.id))
    refresh_facts()
    assert facts_per_day() == {}


def _orm_update(ticket):
    ticket.opened_at = utc(2017, 1, 20, 9)


def _bulk_update(ticket):  # no ORM, no updated_at: as a retention or merge statement would write
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(opened_at=utc(2017, 1, 20, 9)))


def _bulk_insert(ticket):
    row = {c: getattr(ticket, c) for c in ("site_id", "channel_id", "status", "anonymous")}
    db.session.execute(insert(Ticket).values(reference="T-BULK-1", opened_at=utc(2017, 1, 20, 9),
                                             updated_at=utc(2017, 1, 20, 9), **row))


def _other_site(ticket):
    ticket.site_id = ref(Site, "mairie-04").id


def _core_delete(ticket):
    db.session.execute(delete(Ticket).where(Ticket.id == ticket.id))


@pytest.mark.parametrize("write", [_orm_update, _bulk_update, _bulk_insert, _other_site, _core_delete],
                         ids=["orm-update", "bulk-update", "bulk-insert", "site-changed", "core-delete"])
def test_the_facts_equal_the_tickets_after_any_kind_of_write(app, reference, write):
    ticket = make_ticket(utc(2017, 1, 3, 9))
    make_ticket(utc(2017, 1, 3, 23, 30))  # 00:30 on the 4th in Paris
    db.session.commit()
    refresh_facts()
    write(ticket)
    db.session.commit()
    assert pending_changes() > 0
    refresh_facts()
    assert facts_per_day() == tickets_per_paris_day()
    assert pending_changes() == 0


def test_a_refresh_with_nothing_dirty_rebuilds_nothing(app, reference):
    make_ticket(utc(2017, 1, 3, 9))
    refresh_facts()
    assert refresh_facts()["days"] == 0


def test_rebuilding_a_period_consumes_the_changes_it_covers(app, reference):
    make_ticket(utc(2017, 1, 13, 9))
    make_ticket(utc(2017, 3, 3, 9))
    rebuild_facts(date(2017, 1, 1), date(2017, 1, 31))
    assert pending_changes() == 1  # March's ticket waits for the refresh
    assert refresh_facts()["days"] == 8


def test_import_then_report_run_without_a_worker_gives_the_exact_totals(runner, reference, tmp_path):
    path = tmp_path / "novembre.csv"
    path.write_bytes(_file([_line(i) for i in range(1, 51)]))  # one line in five is the Crit'Air (State)
    assert runner.invoke(args=["tickets", "import", str(path)]).exit_code == 0
    result = runner.invoke(args=["report", "run", "state-share", "--from", "2016-11-01", "--to", "2016-11-30"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["total"], data["state"], data["city"]) == (50, 10, 40)
    assert "Données à jour au " in result.stderr
