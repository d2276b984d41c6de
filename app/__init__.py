"""Relais: the back-office of the City's relation usager."""

import logging
import select

from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import load_config
from app.extensions import csrf, db, login_manager, migrate
from app.timeutil import configure_console_logging

logger = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = {"auth.login", "static", "main.health", "main.health_live", "main.favicon"}
# Blueprints that authenticate by integration token (JSON answers) or are public documentation.
TOKEN_BLUEPRINTS = {"api", "api-docs", "api_pages", "cti"}


def _sqlite_pragmas(engine) -> None:
    """Foreign keys on, and transactions SQLAlchemy controls (so savepoints work)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # IMMEDIATE: take the write lock up front. With a deferred BEGIN, a transaction that reads and
        # then writes fails at once ("database is locked") when another process committed meanwhile,
        # whatever busy_timeout says; web workers and the RQ worker share the file in development.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def closed_by_server(dbapi_connection) -> bool:
    """Whether PostgreSQL ended this idle connection (restart, `pg_terminate_backend`, idle timeout).

    An idle connection between requests has nothing to read: a server that ends it sends its last
    message and closes the socket, which then polls readable. No round trip, unlike a ping.
    """
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _postgresql_checkout_check(engine) -> None:
    """A pooled connection the server closed is replaced at checkout, before a request uses it.

    In place of `pool_pre_ping`, which sent a round trip (`;`) before every request's first statement:
    polling the socket catches the same closed connections for nothing. (A rare false alarm, such as a
    parameter the server reports after a configuration reload, costs one reconnection.)
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, _record, _proxy):
        if closed_by_server(dbapi_connection):
            raise DisconnectionError("connexion fermée par PostgreSQL : une autre est ouverte")


def _register_blueprints(app: Flask) -> None:
    from app.api import spec as api_spec
    from app.api.admin import bp as integrations_admin_bp
    from app.api.pages import bp as api_pages_bp
    from app.audit.views import bp as audit_bp
    from app.auth.admin import bp as agents_admin_bp
    from app.auth.views import bp as auth_bp
    from app.channels.views import bp as channels_bp
    from app.contacts.views import build_blueprint as contacts_blueprint
    from app.main.views import bp as main_bp
    from app.privacy.views import bp as privacy_bp
    from app.reports.views import bp as reports_bp
    from app.telephony.cti_views import bp as cti_bp
    from app.telephony.views import bp as telephony_bp
    from app.tickets.views import build_blueprint as tickets_blueprint
    from app.training.views import build_blueprint as training_blueprint

    for bp in (main_bp, auth_bp, channels_bp, contacts_blueprint(), tickets_blueprint(), reports_bp, audit_bp,
               privacy_bp, agents_admin_bp, training_blueprint()):
        app.register_blueprint(bp)
    for bp in (telephony_bp, cti_bp, integrations_admin_bp, api_pages_bp):
        app.register_blueprint(bp)
    api_spec.init_app(app)


def _require_sign_in():
    """Every page but sign-in, static files and the health checks needs a signed-in agent.

    Under /api/ the integration token is the credential (checked by each route), and unknown routes and
    methods answer a JSON 404/405, never the sign-in page: nothing here reads the session's agent.
    """
    if request.path.startswith("/api/"):
        return None
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.blueprint in TOKEN_BLUEPRINTS:
        return None
    if request.endpoint is None:  # unknown URL: let the 404 handler answer, after sign-in
        return redirect(url_for("auth.login"))
    return login_manager.unauthorized()


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS (production)
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. `test_config` overrides configuration (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, test_config)
    configure_console_logging()  # Paris time with its offset, as the worker and its scheduler

    if app.config.get("TRUSTED_PROXIES"):
        # Behind a load balancer: take the agent's address from X-Forwarded-For (audit, sign-in limits).

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    with app.app_context():
        _sqlite_pragmas(db.engine)
        for engine in db.engines.values():
            _postgresql_checkout_check(engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    from app.auth import ratelimit
    from app.cards import guard as cardguard
    from app.cards import logmasking
    from app.channels import cache as reference_cache
    from app.web import hardening

    ratelimit.init_app(app)
    cardguard.init_app(app)
    logmasking.init_app(app)
    hardening.init_app(app)
    reference_cache.init_app(app)

    from app import models  # noqa: F401 - every model registered before anything queries
    from app.auth import guards  # noqa: F401 - registers the user loader
    from app.cli import init_app as init_cli
    from app.web import compression, errors, filters

    _register_blueprints(app)
    errors.init_app(app)
    filters.init_app(app)
    init_cli(app)
    compression.init_app(app)  # registered before the headers hook, so it runs after it (hooks run in reverse)
    app.before_request(_require_sign_in)
    app.after_request(_security_headers)
    return app
