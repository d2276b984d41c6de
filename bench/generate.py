"""Fill a PostgreSQL database with a synthetic city: residents, tickets, their history and the facts.

    DATABASE_URL=postgresql://postgres@127.0.0.1/relais_bench \\
        python -m bench.generate --residents 2000000 --tickets 6000000 [--years 2] [--seed 2017]

Upgrades the schema, loads the reference data and the bench agents, empties residents, tickets,
their events and the facts, then loads the generated rows through COPY with the secondary indexes
dropped (the residents' rebuilt while the tickets load, the tickets' two at a time after), rebuilds
the daily facts over the whole range and ANALYZEs. Timings are printed and written to `bench/generate.json` (or `--timings-file`).
"""

import argparse
import json
import os
import platform
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import psycopg
from tqdm import tqdm

from app.tickets.references import SEQUENCE_PREFIX
from bench.activity import generate_tickets
from bench.copyload import copy_rows, rebuild_indexes, secondary_indexes
from bench.population import generate_residents
from bench.prepare import (
    REFILL_NAME_WORDS,
    build_facts,
    dsn_of,
    find_callable,
    prepare_schema,
    recreate_database,
)
from bench.rows import (
    EVENT_COLUMNS,
    RESIDENT_COLUMNS,
    TICKET_COLUMNS,
    event_chunks,
    last_contacts,
    resident_chunks,
    ticket_chunks,
)

LOADED_TABLES = ["residents", "tickets", "ticket_events"]


def _check_columns(conn: psycopg.Connection) -> None:
    """Fail early, with the column's name, when the schema gained a NOT NULL column the generator skips."""
    for table, columns in (("residents", RESIDENT_COLUMNS), ("tickets", TICKET_COLUMNS),
                           ("ticket_events", EVENT_COLUMNS)):
        rows = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                            "AND is_nullable = 'NO' AND column_default IS NULL", (table,)).fetchall()
        missing = [r[0] for r in rows if r[0] not in columns]
        if missing:
            raise SystemExit(f"bench.generate: {table}.{', '.join(missing)} (NOT NULL) n'est pas généré.")


def _session(conn: psycopg.Connection) -> None:
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET TIME ZONE 'UTC'")
    # Foreign-key triggers off while loading rows generated consistent (as pg_restore does).
    conn.execute("SET session_replication_role = replica")


def _truncate(conn: psycopg.Connection, tables: list[str]) -> None:
    """Empty `tables` (and what references them) in the current transaction, so COPY can FREEZE."""
    conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _after_residents(app, dsn: str, resident_indexes: list) -> None:
    """What the residents need once loaded: the words the search corrects against, then their indexes.

    The load bypasses triggers, so the contacts domain's name-word table is refilled by its own function.
    """
    refill = find_callable(REFILL_NAME_WORDS)
    if refill is not None:
        from app.extensions import db

        with app.app_context():
            refill()
            db.session.commit()
        # A bulk refill must leave the words' GIN index usable by the next search (issue 19: with a
        # pending list of 10,000 tuples the planner scanned the table): vacuum it, and its statistics.
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE resident_name_words")
    rebuild_indexes(dsn, resident_indexes, 1)


def load(app, dsn: str, residents, tickets, ref_max: dict, bar) -> tuple[threading.Thread, list]:
    """Load residents, then tickets and events, each table COPied FREEZE after a TRUNCATE in its transaction.

    The residents' indexes (the trigram GIN index is the slowest) are rebuilt in a thread while the
    tickets load; returns that thread and the tickets' indexes left to rebuild.
    """
    with psycopg.connect(dsn) as conn:
        _check_columns(conn)
        _session(conn)
        derived = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND (tablename LIKE 'fact%' OR tablename = 'resident_name_words')").fetchall()]
        _truncate(conn, ["residents", "resident_changes", "tickets", "ticket_events", "ticket_sequences", *derived])
        indexes = secondary_indexes(conn, LOADED_TABLES)
        for index in indexes:
            conn.execute(index.drop_sql)
        with conn.cursor() as cur:
            bar.set_description("COPY residents")
            copy_rows(cur, "residents", RESIDENT_COLUMNS,
                      resident_chunks(residents, last_contacts(tickets, residents.count)), bar)
        conn.execute("SELECT setval(pg_get_serial_sequence('residents', 'id'), %s)", (residents.count,))
        conn.commit()
        resident_indexes = [i for i in indexes if i.table == "residents"]
        thread = threading.Thread(target=_after_residents, args=(app, dsn, resident_indexes))
        thread.start()

        _session(conn)
        _truncate(conn, ["tickets", "ticket_events", "ticket_sequences"])
        with conn.cursor() as cur:
            bar.set_description("COPY tickets")
            copy_rows(cur, "tickets", TICKET_COLUMNS, ticket_chunks(tickets, residents, ref_max), bar)
            bar.set_description("COPY ticket_events")
            copy_rows(cur, "ticket_events", EVENT_COLUMNS, event_chunks(tickets, ref_max["agents"]), bar)
        for (name,) in conn.execute("SELECT sequencename FROM pg_sequences WHERE sequencename LIKE %s",
                                    (SEQUENCE_PREFIX + "%",)).fetchall():
            conn.execute(f'DROP SEQUENCE "{name}"')  # the years' numbers restart from ticket_sequences
        years = tickets.arrays["local_year"]
        for year in np.unique(years).tolist():
            conn.execute("INSERT INTO ticket_sequences (year, last) VALUES (%s, %s)",
                         (year, int(tickets.arrays["number"][years == year].max())))
        for table in ("tickets", "ticket_events"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", (tickets.count,))
        conn.commit()
    return thread, [i for i in indexes if i.table != "residents"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, required=True, help="number of residents")
    parser.add_argument("--tickets", type=int, required=True, help="number of tickets")
    parser.add_argument("--years", type=float, default=2.0, help="years of history, ending today (default 2)")
    parser.add_argument("--seed", type=int, default=2017, help="random seed (same seed, same city)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL URL (default: $DATABASE_URL)")
    parser.add_argument("--fresh-database", action="store_true",
                        help="drop and recreate the database first (schema built from the migrations)")
    parser.add_argument("--timings-file", default=str(Path(__file__).with_name("generate.json")),
                        help="where to write the timings (JSON)")
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith(("postgresql", "postgres:")):
        parser.error("DATABASE_URL (or --database-url) must name a PostgreSQL database")
    if args.residents < 100 or args.tickets < 100:
        parser.error("at least 100 residents and 100 tickets")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    dsn = dsn_of(args.database_url)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 2)
        return now

    if args.fresh_database:
        recreate_database(dsn)
    app, ref = prepare_schema(args.database_url)
    t = lap("schema_reference_agents", started)
    last_day = np.datetime64(date.today() - timedelta(days=1))
    first_day = last_day - np.timedelta64(int(round(args.years * 365.25)), "D") + 1
    rng = np.random.default_rng(args.seed)
    start_epoch = int(first_day.astype("datetime64[s]").astype(np.int64)) - 3 * 365 * 86400
    residents = generate_residents(args.residents, rng, start_epoch,
                                   int(last_day.astype("datetime64[s]").astype(np.int64)))
    tickets = generate_tickets(args.tickets, residents, ref, first_day, last_day, rng)
    t = lap("generate_arrays", t)
    ref_max = {"channels": max(ref.channels.values()), "sites": max(ref.sites.values()),
               "devices": max(ref.devices.values()), "procedures": max(p["id"] for p in ref.procedures),
               "agents": max(max(pool) for pool in ref.agents.values())}
    with tqdm(total=args.residents + 2 * args.tickets, unit="rows", unit_scale=True, file=sys.stderr) as bar:
        resident_thread, indexes = load(app, dsn, residents, tickets, ref_max, bar)
        t = lap("copy", t)
    with tqdm(total=len(indexes), desc="index tickets", unit="index", file=sys.stderr) as bar:
        rebuild_indexes(dsn, indexes, on_done=lambda index: (bar.set_postfix_str(index.name), bar.update()))
    t = lap("ticket_indexes", t)
    facts = build_facts(app, first_day.item(), last_day.item())
    t = lap("facts", t)
    resident_thread.join()
    t = lap("resident_indexes_wait", t)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ANALYZE")
    lap("analyze", t)
    timings["total"] = round(time.perf_counter() - started, 2)
    summary = {"finished_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
               "database": dsn.rsplit("/", 1)[-1], "residents": args.residents, "tickets": args.tickets, "ticket_events": args.tickets,
               "years": args.years, "seed": args.seed, "first_day": str(first_day), "last_day": str(last_day),
               "facts": facts, "seconds": timings, "machine": {"cpus": os.cpu_count(),
                                                              "python": platform.python_version()}}
    Path(args.timings_file).write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
