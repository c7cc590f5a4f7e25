"""Benchmark: server time of the agenda's month view and .ics feeds with 5,000 events, 200 of them recurring.

Target (issue "the agenda"): the month view and the ``.ics`` feed with 5,000
events of which 200 recurring answer with p95 under 100 ms of server time.

What it does, for each backend asked (``--backend sqlite|postgresql|both``):

1. Builds a throwaway instance (a SQLite file, or a real PostgreSQL started by
   ``tests.support.postgres.PostgresServer``), runs the migrations and seeds
   the built-in forms.
2. Inserts ``--events`` published events of the *Événement* form through
   ``records.services.create_record`` (the real write path: validation,
   facets, revision, activity entry and the agenda's occurrence index),
   committing every 500. ``--recurring`` of them repeat (weekly on one or two
   days, monthly on « le 2e mardi », every other week, yearly; some with an
   end date), the others are one-off events spread over the past half year
   and the coming year, 1–3 themes, one commune out of 40, one organiser out
   of 60 (``random.Random(7)``).
3. Measures server time in-process with the Flask test client (anonymous
   visitor, no network): per URL ``--warmup`` untimed requests then
   ``--requests`` timed ones (``time.perf_counter`` around ``client.get``),
   p50/p95/p99/max, the CPU time of this process per request (p50/p95:
   independent of other load on a shared machine; on SQLite it includes the
   database work, on PostgreSQL not the server's), SQL statements per
   request, response size. Feeds are
   also timed after a change (the whole-feed cache emptied before each
   request: the feed is re-assembled from each event's cached VEVENTs, what
   the first subscriber after any edit pays), with nothing cached in memory
   (after a restart: the stored VEVENTs, ``export_vevents``, are read and
   concatenated), and with no stored VEVENTs either (a feed before
   ``lieudit init`` has stored them, which serialises every event in memory:
   a request never writes), ``--cold`` requests each.

Run from the repository root: ``.venv/bin/python bench/agenda.py``
(``--events 1000 --recurring 40`` for a quick run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_MS = 100.0
BATCH = 500
THEMES = ("culture", "alimentation", "environnement", "participation_citoyenne", "outils_numeriques", "mobilite",
          "tiers_lieu", "agriculture", "formation", "economie")  # fmt: skip
HEADS = ("Marché", "Repair café", "Wiki-party", "Conseil municipal", "Concert", "Ciné-débat", "Atelier vélo",
         "Balade nature", "Bourse aux plantes", "Café des langues", "Permanence numérique", "Fest-noz")  # fmt: skip


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--recurring", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cold", type=int, default=5, help="feed requests timed with an empty feed cache")
    return parser.parse_args()


@contextmanager
def instance(backend: str, tmp: Path) -> Iterator[tuple[Any, str]]:
    """Yield an app on a fresh, migrated database of ``backend`` and the server version; clean up after."""
    from wiki import create_app
    from wiki import migrate
    from wiki.db import Database

    server = app = None
    try:
        if backend == "postgresql":
            from tests.support.postgres import PostgresServer

            server = PostgresServer(tmp / "pg")
            server.start()
            url = server.create_database("lieudit_bench")
        else:
            url = f"sqlite:///{tmp / 'lieudit.db'}"
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "bench"})
        with app.app_context():
            migrate.upgrade(Database.engine(), None, backup=False)
            with Database.engine().connect() as conn:
                version = (
                    "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
                    if backend == "postgresql"
                    else "SQLite " + sqlite3.sqlite_version
                )
        yield app, version
    finally:
        if app is not None:
            Database.engine(app).dispose()
        if server is not None:
            server.stop()


def schedule(rng: random.Random, today: dt.date, recurring: bool) -> dict[str, Any]:
    """A realistic schedule: one-off events around today, or one of the usual rules."""
    if not recurring:
        day = today + dt.timedelta(days=rng.randint(-180, 365))
        if rng.random() < 0.1:
            return {
                "start": day.isoformat(),
                "end": (day + dt.timedelta(days=rng.randint(0, 2))).isoformat(),
                "all_day": True,
            }
        hour = rng.choice((9, 10, 14, 18, 20))
        return {"start": f"{day}T{hour:02d}:00", "end": f"{day}T{hour + 2:02d}:00"}
    first = today - dt.timedelta(days=rng.randint(0, 400))
    rule = rng.choice(("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=2TU",
                       "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=YEARLY"))  # fmt: skip
    if rng.random() < 0.3:
        rule += f";UNTIL={(today + dt.timedelta(days=rng.randint(30, 500))):%Y%m%d}"
    hour = rng.choice((8, 14, 18, 20))
    return {"start": f"{first}T{hour:02d}:00", "end": f"{first}T{hour + 2:02d}:00", "rrule": rule}


def populate(app: Any, count: int, recurring: int) -> float:
    """Insert the events; return the seconds it took."""
    from wiki.db import Database
    from wiki.demo import demo_author
    from wiki.demo import seed
    from wiki.records import form_services
    from wiki.records import services
    from wiki.records import taxonomy

    rng = random.Random(7)
    communes = [f"35{n:03d}" for n in range(1, 41)]
    organisers = [f"Association n° {n}" for n in range(1, 61)]
    today = dt.date.today()
    started = time.perf_counter()
    with app.app_context():
        db = Database.new_session()
        seed(db)
        author = demo_author(db)
        form = form_services.get_form(db, "evenement")
        ctx = taxonomy.cleaning_context(db)
        which = set(rng.sample(range(count), recurring))
        for n in range(count):
            values = {
                "title": f"{rng.choice(HEADS)} n° {n}",
                "description": "Rendez-vous ouvert à toutes et tous. " * rng.randint(1, 4),
                "horaire": {"timezone": "Europe/Paris", **schedule(rng, today, n in which)},
                "adresse": f"{rng.randint(1, 80)} rue de la Gare",
                "commune": rng.choice(communes),
                "organisateur": rng.choice(organisers),
                "themes": rng.sample(THEMES, rng.randint(1, 3)),
            }
            services.create_record(db, form, values, actor=author, policy="account", ctx=ctx, status="published")
            if n % BATCH == BATCH - 1:
                db.commit()
        db.commit()
        db.close()
        engine = Database.engine()
        if engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load: without statistics the
            # planner took the 970 events of a theme for one row (100 ms instead of 27 ms).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    """The ``q`` percentile (0–100) by linear interpolation."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_url(app: Any, url: str, warmup: int, requests: int, *, cold: str = "") -> dict[str, Any]:
    """Time ``requests`` GETs of ``url`` after ``warmup`` ones.

    ``cold="changed"`` empties the whole-feed cache before each (what any edit does: the feed is
    re-assembled from each event's cached VEVENTs); ``cold="empty"`` also empties those (a restart:
    the stored VEVENTs, ``export_vevents``, are read); ``cold="unstored"`` also erases the stored ones
    (a feed before ``lieudit init`` has stored them serialises every event, in memory only).
    """
    from sqlalchemy import delete
    from sqlalchemy import event

    from wiki.db import Database
    from wiki.exports import calendar
    from wiki.exports.models import ExportVevent

    client = app.test_client()
    statements = [0]
    counting = [False]

    def count(*_: Any) -> None:
        statements[0] += counting[0]

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    samples, cpu = [], []
    event.listen(Database.engine(app), "before_cursor_execute", count)
    try:
        for _ in range(requests):
            if cold:
                calendar._feeds.clear(app)
            if cold in ("empty", "unstored"):
                calendar._parts.clear(app)
            if cold == "unstored":
                with Database.engine(app).begin() as conn:
                    conn.execute(delete(ExportVevent))
            counting[0] = True
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            counting[0] = False
            assert response.status_code == 200, url
    finally:
        event.remove(Database.engine(app), "before_cursor_execute", count)
    return {"p50": percentile(samples, 50), "p95": percentile(samples, 95), "p99": percentile(samples, 99),
            "max": max(samples), "sql": statements[0] / requests, "kib": len(response.data) / 1024,
            "cpu50": percentile(cpu, 50), "cpu95": percentile(cpu, 95)}  # fmt: skip


def main() -> int:
    """Run the benchmark and print a Markdown table per backend."""
    args = parse_args()
    month = dt.date.today().strftime("%Y-%m")
    urls = [
        ("month view", f"/agenda/mois/{month}", ""),
        ("month view, theme filter", f"/agenda/mois/{month}?theme=culture", ""),
        ("upcoming list", "/agenda", ""),
        ("API, next 31 days", "/api/v1/events", ""),
        ("whole feed", "/donnees/evenement.ics", ""),
        ("filtered feed", "/agenda.ics?theme=culture", ""),
        ("whole feed after any change", "/donnees/evenement.ics", "changed"),
        ("filtered feed after any change", "/agenda.ics?theme=culture", "changed"),
        ("whole feed, nothing cached (restart)", "/donnees/evenement.ics", "empty"),
        ("whole feed, nothing stored (before init)", "/donnees/evenement.ics", "unstored"),
    ]
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        with tempfile.TemporaryDirectory() as folder, instance(backend, Path(folder)) as (app, version):
            seconds = populate(app, args.events, args.recurring)
            from sqlalchemy import func
            from sqlalchemy import select

            from wiki.agenda.models import AgendaOccurrence
            from wiki.db import Database

            with app.app_context():
                db = Database.new_session()
                occurrences = db.scalar(select(func.count()).select_from(AgendaOccurrence))
                db.close()
            print(f"\n### {version}: {args.events} events ({args.recurring} recurring), {occurrences} indexed "
                  f"occurrences, loaded in {seconds:.0f} s\n")  # fmt: skip
            print(f"(load average before: {Path('/proc/loadavg').read_text().split()[0]})\n")
            print("| URL | p50 ms | p95 ms | p99 ms | max ms | CPU ms p50 / p95 | SQL/req | KiB |")
            print("|---|--:|--:|--:|--:|--:|--:|--:|")
            for label, url, cold in urls:
                warmup, requests = (0, args.cold) if cold in ("empty", "unstored") else (args.warmup, args.requests)
                result = time_url(app, url, warmup, requests, cold=cold)
                mark = "✅" if result["p95"] < TARGET_MS else "❌"
                print(f"| {label} `{url}` | {result['p50']:.1f} | {result['p95']:.1f} {mark} | {result['p99']:.1f} | "
                      f"{result['max']:.1f} | {result['cpu50']:.1f} / {result['cpu95']:.1f} | {result['sql']:.0f} | "
                      f"{result['kib']:.0f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
