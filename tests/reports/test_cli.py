"""`flask report ...`: list, run (JSON and CSV), one-line errors with exit status 1, rebuild-facts."""

import json
from datetime import UTC, datetime

import pytest

from app.extensions import db
from tests.reports.factory import make_ticket


@pytest.fixture
def tickets(app, reference):
    make_ticket(datetime(2017, 1, 5, 9, tzinfo=UTC), procedure="critair")
    make_ticket(datetime(2017, 1, 5, 10, tzinfo=UTC), procedure="library-card", site="mairie-04")
    make_ticket(datetime(2017, 1, 6, 10, tzinfo=UTC), procedure="library-card", site="mairie-04")
    db.session.commit()


def run(runner, *args):
    return runner.invoke(args=["report", *args])


def test_report_list_names_every_report(runner):
    result = run(runner, "list")
    assert result.exit_code == 0
    assert "state-share" in result.output and "repeat-contacts" in result.output


def test_state_share_json_has_the_documented_fields(runner, tickets):
    assert run(runner, "rebuild-facts", "--from", "2017-01-01", "--to", "2017-01-31").exit_code == 0
    result = run(runner, "run", "state-share", "--from", "2017-01-01", "--to", "2017-01-31")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["total"], data["state"], data["city"]) == (3, 1, 2)
    assert data["state_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert {"site": "mairie-04", "total": 2, "state": 0, "state_share": 0.0}.items() <= data["by_site"][1].items()


def test_csv_format_and_filters(runner, tickets):
    run(runner, "rebuild-facts")
    result = run(runner, "run", "volume", "--from", "2017-01-01", "--to", "2017-01-31", "--site", "mairie-04",
                 "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "indicator,value\ntotal,2\n" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["run", "nope", "--from", "2017-01-01", "--to", "2017-01-31"], "rapport inconnu"),
    (["run", "volume", "--from", "2017-01-01", "--to", "2017-01-31", "--site", "mairie-99"], "Site inconnu"),
    (["run", "volume", "--from", "2017-01-01", "--to", "2017-01-31", "--channel", "pigeon"], "Canal inconnu"),
    (["run", "volume", "--from", "2017-02-01", "--to", "2017-01-31"], "postérieure"),
    (["run", "volume", "--from", "2017-13-01", "--to", "2017-01-31"], "date invalide"),
])
def test_bad_parameters_give_one_line_and_exit_status_1(runner, reference, args, message):
    result = run(runner, *args)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
