"""Configuration defaults and queue names.

Nothing here reads the environment at import time: `load_config(app)` does it,
from the application factory.
"""

import logging
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from limits import parse_many

from app.digits import is_ascii_number

logger = logging.getLogger(__name__)

# Queue names, shared by the code that enqueues and the worker that listens.
QUEUE_DEFAULT = "relais-default"
QUEUE_FACTS = "relais-facts"
QUEUE_REPORTS = "relais-reports"
QUEUES = (QUEUE_FACTS, QUEUE_REPORTS, QUEUE_DEFAULT)

ROLES = ("counter_agent", "operator_3975", "facil_familles", "manager", "admin")
ROLE_LABELS = {
    "counter_agent": "Agent d'accueil en mairie",
    "operator_3975": "Téléconseiller 3975",
    "facil_familles": "Agent Facil'Familles",
    "manager": "Responsable",
    "admin": "Administrateur",
}


class Config:
    """Defaults for every environment; `load_config` overrides them."""

    SQLALCHEMY_DATABASE_URI = None
    # No pre-ping round trip: on PostgreSQL a connection the server closed is found at checkout by polling
    # its socket (`app._postgresql_checkout_check`).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": False}
    REDIS_URL = "redis://127.0.0.1:6379/0"
    SECRET_KEY = None
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)  # idle timeout (RELAIS_SESSION_IDLE_MINUTES)
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=10)  # a working day, however active (RELAIS_SESSION_HOURS)
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(0)
    WTF_CSRF_TIME_LIMIT = None
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    TIMEZONE = "Europe/Paris"
    JOBS_IN_PROCESS = False  # force jobs to run in the web process (tests, no Redis)
    JOB_TIMEOUT = 600
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    TICKETS_PER_PAGE = 50
    HEALTH_MAX_AGE = 300  # seconds: older facts or scheduler heartbeat make /health answer 503
    # seconds after start during which a scheduler or facts not there yet read « démarrage » on /health
    HEALTH_STARTUP_GRACE = 60
    TICKET_XLSX_MAX_ROWS = 200_000  # a larger ticket list is offered as CSV only (RELAIS_XLSX_MAX_ROWS)
    TICKET_EXPORT_KEEP_HOURS = 24  # an XLSX export's file is deleted after this (RELAIS_EXPORT_KEEP_HOURS)
    # Per CTI token (RELAIS_CTI_RATE_LIMIT). The 3975's peak is about 200 calls at once, their 600 events
    # (newCall, answer, hangup) within some 6 seconds: twice that burst passes; beyond it, 429 and Retry-After.
    CTI_RATE_LIMIT = "1200 per 10 seconds"


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for plain `postgres://` / `postgresql://` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(app) -> str:
    """Return SECRET_KEY from the environment, or one kept under `instance/` in development."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if app.config.get("ENV_NAME") == "production":
        raise RuntimeError(
            "SECRET_KEY doit être défini en production (variable d'environnement SECRET_KEY)."
        )
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(app, test_config: dict | None = None) -> None:
    """Fill `app.config` from defaults, the environment and `test_config`."""
    app.config.from_object(Config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    env_name = os.environ.get("RELAIS_ENV", "development")
    app.config["ENV_NAME"] = env_name
    default_db = "sqlite:///" + str(Path(app.instance_path) / "relais.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ.get("DATABASE_URL", default_db))
    app.config["REDIS_URL"] = os.environ.get("REDIS_URL", Config.REDIS_URL)
    if os.environ.get("REPORTS_DATABASE_URL"):  # reports' fact sums read from a streaming replica
        app.config["SQLALCHEMY_BINDS"] = {"reports": _normalise_db_url(os.environ["REPORTS_DATABASE_URL"])}
    proxies = os.environ.get("RELAIS_TRUSTED_PROXIES", "0")
    if not is_ascii_number(proxies):
        raise RuntimeError(f"RELAIS_TRUSTED_PROXIES doit être un nombre de proxys (0, 1, 2…), pas {proxies!r}.")
    app.config["TRUSTED_PROXIES"] = int(proxies)
    for name, key in (("RELAIS_XLSX_MAX_ROWS", "TICKET_XLSX_MAX_ROWS"),
                      ("RELAIS_EXPORT_KEEP_HOURS", "TICKET_EXPORT_KEEP_HOURS")):
        value = os.environ.get(name)
        if value is not None:
            if not is_ascii_number(value) or int(value) == 0:
                raise RuntimeError(f"{name} doit être un nombre entier positif, pas {value!r}.")
            app.config[key] = int(value)
    for name, key, unit in (("RELAIS_SESSION_IDLE_MINUTES", "PERMANENT_SESSION_LIFETIME", "minutes"),
                            ("RELAIS_SESSION_HOURS", "SESSION_ABSOLUTE_LIFETIME", "hours")):
        value = os.environ.get(name)
        if value is not None:
            if not is_ascii_number(value) or int(value) == 0:
                raise RuntimeError(f"{name} doit être un nombre entier positif, pas {value!r}.")
            app.config[key] = timedelta(**{unit: int(value)})
    cti_limit = os.environ.get("RELAIS_CTI_RATE_LIMIT")
    if cti_limit is not None:
        try:
            parse_many(cti_limit)
        except ValueError as exc:
            raise RuntimeError(f"RELAIS_CTI_RATE_LIMIT : limite illisible {cti_limit!r} "
                               "(ex. « 1200 per 10 seconds »).") from exc
        app.config["CTI_RATE_LIMIT"] = cti_limit
    for name, key, default in (("RELAIS_HEALTH_MAX_AGE", "HEALTH_MAX_AGE", Config.HEALTH_MAX_AGE),
                               ("RELAIS_HEALTH_STARTUP_GRACE", "HEALTH_STARTUP_GRACE", Config.HEALTH_STARTUP_GRACE)):
        value = os.environ.get(name, str(default))
        if not is_ascii_number(value):
            raise RuntimeError(f"{name} doit être un nombre de secondes, pas {value!r}.")
        app.config[key] = int(value)
    app.config["STARTED_AT"] = time.monotonic()  # the grace period of `/health` runs from here
    if env_name == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    if test_config:
        app.config.update(test_config)
        if "SQLALCHEMY_DATABASE_URI" in test_config:
            app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(test_config["SQLALCHEMY_DATABASE_URI"])
        if "SQLALCHEMY_BINDS" in test_config:
            app.config["SQLALCHEMY_BINDS"] = {k: _normalise_db_url(v) for k, v in test_config["SQLALCHEMY_BINDS"].items()}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
