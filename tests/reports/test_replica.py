"""Reports read their facts through REPORTS_DATABASE_URL (a streaming replica) when it is set."""

from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import make_url

from app import create_app
from app.channels.models import Channel, Site
from app.channels.reference import load_reference
from app.extensions import db
from app.reports.facts.models import fact_activity
from app.reports.params import ReportParams
from app.reports.registry import compute_report
from tests.conftest import base_config


@pytest.fixture(scope="module")
def second_database_url(database_url, tmp_path_factory):
    """A second database with the same schema (a stand-in for the replica), emptied of facts."""
    if database_url.startswith("sqlite"):
        url = "sqlite:///" + str(tmp_path_factory.mktemp("replica") / "relais-replica.sqlite3")
    else:
        import psycopg

        main = make_url(database_url)
        url = main.set(database=f"{main.database}_replica").render_as_string(hide_password=False)
        admin = main.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{main.database}_replica" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{main.database}_replica"')
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if not database_url.startswith("sqlite"):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{main.database}_replica" WITH (FORCE)')


def _add_facts(url: str, site_id: int, channel_id: int, tickets: int) -> None:
    app = create_app(base_config(url))
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(fact_activity.delete())
            conn.execute(fact_activity.insert().values(day=date(2017, 3, 14), site_id=site_id, channel_id=channel_id,
                                                       device_id=None, tickets=tickets, closed=tickets,
                                                       handling_seconds=0))
        db.engine.dispose()


PERIOD = ReportParams(date(2017, 3, 14), date(2017, 3, 15))  # days inside a week: read from the daily facts


def test_the_volume_report_counts_the_tickets_of_the_reports_database(database_url, second_database_url):
    app = create_app({**base_config(database_url), "SQLALCHEMY_BINDS": {"reports": second_database_url}})
    with app.app_context():
        load_reference()  # on the main database, never committed: labels come from there
        site = db.session.execute(db.select(Site).where(Site.code == "mairie-02")).scalar_one()
        channel = db.session.execute(db.select(Channel).where(Channel.code == "counter")).scalar_one()
        _add_facts(second_database_url, site.id, channel.id, tickets=37)
        try:
            output = compute_report("volume", PERIOD)
        finally:
            db.session.rollback()
            for engine in db.engines.values():
                engine.dispose()
    assert output["summary"]["total"] == 37
    assert list(output["tables"]["by_site"]["label"]) == ["Mairie du 2e arrondissement"]


def test_without_a_reports_database_the_reports_read_the_main_one(app, reference, second_database_url):
    site = db.session.execute(db.select(Site).where(Site.code == "mairie-02")).scalar_one()
    _add_facts(second_database_url, site.id, 1, tickets=37)
    assert compute_report("volume", PERIOD)["summary"]["total"] == 0
