"""Schema, reference data, bench agents and facts: what the generator asks of the application itself."""

import importlib
import time

from bench.activity import Reference

BENCH_PASSWORD = "bench-relais-2026"  # bench databases only; every bench agent shares it
AGENTS_PER_SITE = {"plateforme-3975": ("operator_3975", 80), "facil-familles": ("facil_familles", 20)}
TOWN_HALL_AGENTS = 6
BENCH_MANAGER = "bench.manager"


def dsn_of(url: str) -> str:
    """A libpq connection string from a SQLAlchemy URL (drops the `+psycopg` driver part)."""
    for prefix in ("postgresql+psycopg://", "postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def recreate_database(dsn: str) -> None:
    """Drop and create the database of `dsn` (a bench database: its name must start with relais_bench)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(dsn)
    name = params.get("dbname", "")
    if not name.startswith("relais_bench"):
        raise SystemExit(f"--fresh-database refuse de supprimer la base {name!r} (pas une base relais_bench*)")
    with psycopg.connect(make_conninfo(dsn, dbname="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def bench_app(database_url: str, **config):
    """The application on `database_url` (nothing else of the environment changes)."""
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, **config})


def agent_login(site_code: str, number: int) -> str:
    return f"bench.{site_code}.{number:02d}"


def _ensure_agents(sites: dict) -> dict:
    """Create the bench agents once (one password hash for all); returns site code -> [agent id]."""
    from app.auth.models import Agent
    from app.auth.passwords import hash_password
    from app.extensions import db

    existing = {a.login: a for a in db.session.execute(
        db.select(Agent).where(Agent.login.like("bench.%"))).scalars()}
    password_hash = None
    wanted = [(BENCH_MANAGER, "manager", None, "Responsable (bench)")]
    for code in sites:
        role, count = AGENTS_PER_SITE.get(code, ("counter_agent", TOWN_HALL_AGENTS))
        wanted += [(agent_login(code, i), role, code, f"Agent {i} {code}") for i in range(1, count + 1)]
    for login, role, site_code, name in wanted:
        if login in existing:
            continue
        password_hash = password_hash or hash_password(BENCH_PASSWORD)
        agent = Agent(login=login, name=name, role=role, site_id=sites.get(site_code),
                      password_hash=password_hash, active=True)
        db.session.add(agent)
        existing[login] = agent
    db.session.flush()
    pools: dict[str, list[int]] = {}
    for login, _role, site_code, _name in wanted:
        if site_code:
            pools.setdefault(site_code, []).append(existing[login].id)
    return pools


def prepare_schema(database_url: str):
    """Upgrade the schema, load the reference data and the bench agents; returns (app, Reference)."""
    import flask_migrate

    from app.channels.models import Channel, Device, Procedure, Site
    from app.channels.reference import load_reference
    from app.extensions import db

    app = bench_app(database_url)
    with app.app_context():
        flask_migrate.upgrade()
        load_reference()
        db.session.commit()
        sites = {s.code: s.id for s in db.session.execute(db.select(Site)).scalars()}
        devices = {d.code: d.id for d in db.session.execute(db.select(Device)).scalars()}
        site_devices = {s.code: [d.code for d in s.devices if d.active]
                        for s in db.session.execute(db.select(Site)).scalars()}
        ref = Reference(
            channels={c.code: c.id for c in db.session.execute(db.select(Channel)).scalars()},
            sites=sites, devices=devices, site_devices=site_devices,
            procedures=[{"id": p.id, "code": p.code, "owner": p.owner, "availability": p.availability,
                         "involves_payment": p.involves_payment}
                        for p in db.session.execute(db.select(Procedure).where(Procedure.active)).scalars()],
            agents=_ensure_agents(sites))
        db.session.commit()
    return app, ref


def find_callable(candidates: tuple[tuple[str, str], ...]):
    """The first (module, function) of `candidates` that exists in the application, else None."""
    for module_name, name in candidates:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    return None


REFILL_NAME_WORDS = (("app.contacts.namewords", "refill_name_words"),)
REBUILD_FACTS = (("app.reports.facts.rebuild", "rebuild_facts"), ("app.reports.facts", "rebuild_facts"),
                 ("app.reports.services", "rebuild_facts"))


def build_facts(app, first_day, last_day) -> dict:
    """Rebuild the daily facts over the whole range with the reports domain's `rebuild_facts`."""
    from app.extensions import db

    with app.app_context():
        rebuild = find_callable(REBUILD_FACTS)
        if rebuild is None:
            return {"status": "missing", "reason": "rebuild_facts n'existe pas encore dans app.reports"}
        started = time.perf_counter()
        rebuild(first_day, last_day)
        db.session.commit()
        return {"status": "built", "seconds": round(time.perf_counter() - started, 2)}
