"""A pooled connection that PostgreSQL closed (restart, terminated backend, idle timeout) is replaced at
checkout, before a request uses it, without a round trip per request."""

import time

import psycopg
import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import base_config


@pytest.fixture
def postgresql_app(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the checkout check is PostgreSQL's (a SQLite file has no server to close it)")
    app = create_app(base_config(database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(database_url: str, pid: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} still there")


def test_a_connection_the_server_ended_is_replaced_before_it_is_used(postgresql_app, database_url):
    with postgresql_app.app_context():
        engine = db.engine
        first = _backend_pid(engine)  # back in the pool, idle
        _terminate(database_url, first)
        time.sleep(0.1)  # the server's farewell reaches the pooled socket
        second = _backend_pid(engine)  # no error: the closed connection was replaced at checkout
        assert second != first


def test_a_healthy_pooled_connection_is_reused_without_a_ping(postgresql_app, monkeypatch):
    with postgresql_app.app_context():
        engine = db.engine
        first = _backend_pid(engine)
        pings = []
        monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi_connection: pings.append(1) or True)
        assert _backend_pid(engine) == first
        assert pings == []  # no round trip before the request's first statement
