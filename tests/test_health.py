"""`/health` for monitoring: 503 with French reasons when the facts or the scheduler's heartbeat are stale."""

import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.jobs.cron import build_cron
from app.reports.facts.models import FactState
from app.reports.facts.refresh import STATE_NAME, bring_facts_up_to_date
from app.timeutil import utcnow


@pytest.fixture
def scheduler_alive(redis_conn):
    """A real cron scheduler of the worker that has just sent its heartbeat."""
    build_cron(redis_conn, []).heartbeat()


def test_fresh_facts_and_a_live_scheduler_answer_200(client, scheduler_alive):
    bring_facts_up_to_date()
    response = client.get("/health")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["reasons"] == [] and body["facts"]["age_seconds"] < 60 and body["scheduler"]["age_seconds"] < 60
    assert body["facts"]["label"].startswith("données à jour au ")


def test_facts_never_refreshed_and_no_scheduler_answer_503_saying_both(client, redis_conn):
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["reasons"] == ["Les faits des tableaux de bord n'ont jamais été mis à jour.",
                                              "Aucun planificateur des tâches périodiques en marche."]


def test_facts_older_than_the_limit_answer_503_with_their_date(app, client, scheduler_alive):
    bring_facts_up_to_date()
    db.session.get(FactState, STATE_NAME).refreshed_at = utcnow() - timedelta(minutes=7)
    db.session.commit()
    response = client.get("/health")
    assert response.status_code == 503
    [reason] = response.get_json()["reasons"]
    assert reason.startswith("Faits des tableaux de bord périmés : données à jour au ")
    assert "(il y a 7 min, limite 5 min)" in reason
    app.config["HEALTH_MAX_AGE"] = 600
    assert client.get("/health").status_code == 200


def test_a_silent_scheduler_answers_503(app, client, scheduler_alive):
    bring_facts_up_to_date()
    app.config["HEALTH_MAX_AGE"] = 0
    db.session.get(FactState, STATE_NAME).refreshed_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    reasons = client.get("/health").get_json()["reasons"]
    assert len(reasons) == 1 and reasons[0].startswith("Planificateur des tâches périodiques silencieux depuis ")


def test_redis_down_answers_503_and_the_liveness_probe_200(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    bring_facts_up_to_date()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["reasons"] == ["Redis ne répond pas : les tâches périodiques ne tournent pas."]
    assert client.get("/health/live").status_code == 200


def test_the_limit_is_read_from_the_environment(monkeypatch, database_url):
    from app import create_app
    from tests.conftest import base_config

    monkeypatch.setenv("RELAIS_HEALTH_MAX_AGE", "120")
    assert create_app(base_config(database_url)).config["HEALTH_MAX_AGE"] == 120
    monkeypatch.setenv("RELAIS_HEALTH_MAX_AGE", "cinq minutes")
    with pytest.raises(RuntimeError, match="RELAIS_HEALTH_MAX_AGE"):
        create_app(base_config(database_url))


def test_just_after_start_health_says_demarrage_then_the_usual_reasons(app, client, redis_conn):
    """`make run`: pages answer at once while the worker's scheduler and the first facts take seconds."""
    app.config.update(HEALTH_STARTUP_GRACE=60, STARTED_AT=time.monotonic())
    response = client.get("/health")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "démarrage"
    [reason] = body["reasons"]
    assert reason.startswith("Relais en démarrage depuis ") and "délai de grâce de 60 s" in reason
    assert client.get("/health/live").status_code == 200
    build_cron(redis_conn, []).heartbeat()
    bring_facts_up_to_date()
    assert client.get("/health").status_code == 200  # ready before the end of the grace period: said at once
    app.config["STARTED_AT"] -= 61  # the grace period is bounded: past it, the usual reasons
    redis_conn.flushdb()
    assert client.get("/health").get_json()["reasons"] == ["Aucun planificateur des tâches périodiques en marche."]


def test_the_grace_period_is_read_from_the_environment(monkeypatch, database_url):
    from app import create_app
    from tests.conftest import base_config

    config = {k: v for k, v in base_config(database_url).items() if k != "HEALTH_STARTUP_GRACE"}
    monkeypatch.setenv("RELAIS_HEALTH_STARTUP_GRACE", "30")
    assert create_app(config).config["HEALTH_STARTUP_GRACE"] == 30
    monkeypatch.setenv("RELAIS_HEALTH_STARTUP_GRACE", "３０")
    with pytest.raises(RuntimeError, match="RELAIS_HEALTH_STARTUP_GRACE"):
        create_app(config)
