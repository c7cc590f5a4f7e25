"""Benchmark: server time of a faceted list of 10,000 initiatives, SQLite and PostgreSQL.

Target (issue): the faceted list of 10,000 records of the *Initiative* form
renders with p95 under 100 ms of server time on SQLite and on PostgreSQL.

What it does, for each backend asked (``--backend sqlite|postgresql|both``):

1. Builds a throwaway instance: a SQLite file in a temporary folder, or a
   real PostgreSQL started by ``tests.support.postgres.PostgresServer`` (as
   root it runs as the ``postgres`` user through ``runuser``). Runs the
   migrations and ``wiki.demo.seed`` (built-in forms, lists, themes).
2. Inserts ``--records`` initiatives (10,000 by default) through
   ``services.create_record`` (validation, facet rows, revision, activity
   entry: the real write path), committing every 500, with French text made
   of the sentences of the 32 demo initiatives (``random.Random(42)``): 1–4
   themes, 0–3 communes among 150 INSEE codes of Ille-et-Vilaine,
   Loire-Atlantique and Morbihan, porteur type, scale, state, publics,
   population and budget. All are published. Creation and update dates are
   then spread over five years. PostgreSQL gets a ``VACUUM ANALYZE`` (what
   autovacuum would do after such a load); SQLite gets no ``ANALYZE``
   (Lieudit never runs one). Search indexing is muted during the load
   (``wiki.search.indexer.muted``, when present): lists do not use it.
3. Measures server time in-process with the Flask test client (no network,
   anonymous visitor): per URL, ``--warmup`` requests then ``--requests``
   timed ones (``time.perf_counter`` around ``client.get``), and reports
   p50/p95/p99/max; the CPU time per request of this process plus the
   PostgreSQL server, and the share of the machine other processes took
   meanwhile (from ``/proc``: a busy machine shows there); the SQL
   statements per request (``before_cursor_execute``) and their database
   time, measured by replaying them (execute *and* fetch: SQLite does most
   of the work of a streaming query during the fetch, which cursor events
   do not see); and the response size. Also times ``queries.list_records``
   alone for the two-facet case (query vs view and template).
4. Prints a table per backend and a verdict against the 100 ms p95 target;
   for every URL that misses it, the slowest statements of one request and a
   cProfile of ``--profile`` requests (top 25 by cumulative time).

Run from the repository root: ``.venv/bin/python bench/records_list.py``
(``--records 2000`` for a quick run; ``--jsonl FILE`` appends one JSON
record per URL and backend). Servers and temporary folders are removed at
the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import nullcontext
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GEODATA = Path("/work/shared/data/geodata/admin-boundaries")
TARGET_MS = 100.0
BATCH = 500
#: Redon: the two-facet URL filters on it, so it is always in the commune list.
REDON = "35236"

#: The measured URLs: (label, URL).
URLS: tuple[tuple[str, str], ...] = (
    ("liste (défaut)", "/annuaire/initiative"),
    ("tableau tri=-updated", "/annuaire/initiative?vue=tableau&tri=-updated"),
    ("fiches", "/annuaire/initiative?vue=fiches"),
    ("1 facette (themes)", "/annuaire/initiative?themes=mobilite"),
    ("2 facettes (themes+communes)", f"/annuaire/initiative?themes=mobilite&communes={REDON}"),
    ("texte q=numérique (87 %)", "/annuaire/initiative?q=num%C3%A9rique"),
    ("texte q=covoiturage (21 %)", "/annuaire/initiative?q=covoiturage"),
    ("page=250", "/annuaire/initiative?page=250"),
    ("API JSON limit=50 themes", "/api/v1/forms/initiative/records?limit=50&themes=mobilite"),
)
TWO_FACETS = f"/annuaire/initiative?themes=mobilite&communes={REDON}"

#: Relative frequency of the themes (some are much more common than others).
THEME_WEIGHTS = {
    "outils_numeriques": 10, "participation_citoyenne": 8, "accueil_services": 8, "environnement": 7, "mobilite": 6,
    "economie": 6, "inclusion": 6, "tiers_lieu": 5, "alimentation": 5, "culture": 5, "cooperation": 4, "energie": 4,
    "formation": 4, "agriculture": 3, "territoire_espace": 3, "logement": 3, "quartier_revitalisation": 3,
    "recherche_innovation": 2, "foret": 1,
}  # fmt: skip
TITLE_HEADS = (
    "Tiers-lieu", "Café associatif", "Atelier vélo", "Jardin partagé", "Épicerie solidaire", "Maison France Services",
    "Covoiturage solidaire", "Fablab", "Repair café", "Marché de producteurs", "Réseau de chaleur bois",
    "Centrale solaire citoyenne", "Médiathèque numérique", "Conseil citoyen", "Plateforme de services",
    "Navette à la demande", "Cantine bio et locale", "Forêt communale gérée durablement", "École du numérique",
    "Habitat partagé", "Wiki du territoire", "Budget participatif", "Conciergerie rurale", "Boutique éphémère",
    "Espace de coworking", "Accueil des nouveaux habitants", "Voie verte", "Ressourcerie", "Halles gourmandes",
    "Tiers-lieu nourricier",
)  # fmt: skip
TITLE_LINKS = ("de", "à", "du pays de", "autour de", "entre Vilaine et")


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000, help="initiatives to create (default 10000)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per URL (default 100)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per URL first (default 5)")
    parser.add_argument("--profile", type=int, default=20, help="requests profiled for each URL over target (0: none)")
    parser.add_argument("--profile-all", action="store_true", help="profile every URL, not only those over target")
    parser.add_argument("--jsonl", help="append one JSON record per URL and backend to this file")
    return parser.parse_args()


# --- machine and context ------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Return CPU count, CPU model and memory of this machine."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def git_state() -> str:
    """Return the short commit and ``+dirty`` when the tree has local changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return commit + ("+dirty" if dirty else "")


def isolate_environment() -> None:
    """Drop ``LIEUDIT_*`` variables so that only the benchmark's settings apply."""
    for key in [k for k in os.environ if k.startswith("LIEUDIT_")]:
        del os.environ[key]


# --- data generation ------------------------------------------------------------------


def load_communes(rng: random.Random) -> list[tuple[str, str]]:
    """Return 150 (INSEE code, name) pairs of départements 35, 44 and 56, Redon first."""
    picked: list[tuple[str, str]] = []
    for dep in ("35", "44", "56"):
        files = sorted(GEODATA.glob(f"communes-{dep}-*.geojson"))
        features: list[tuple[str, str]] = []
        if files:
            data = json.loads(files[0].read_text(encoding="utf-8"))
            features = sorted((f["properties"]["code"], f["properties"]["nom"]) for f in data["features"])
        if len(features) < 50:  # no geodata here: plausible codes and names
            features = [(f"{dep}{n:03d}", f"Commune {dep}-{n:03d}") for n in range(1, 300, 3)]
        picked.extend(rng.sample(features, 50))
    codes = [code for code, _ in picked]
    if REDON in codes:
        picked.pop(codes.index(REDON))
    else:
        picked.pop()
    return [(REDON, "Redon"), *picked]


def demo_sentences() -> list[str]:
    """Return the sentences of the demo initiatives' long texts (real French)."""
    from wiki.demo.initiatives import INITIATIVES

    sentences: set[str] = set()
    for item in INITIATIVES:
        for key in ("resume", "contexte", "description", "gouvernance", "resultats", "difficultes", "financements"):
            for chunk in re.split(r"(?<=[.!?])\s+|\n+", item.get(key) or ""):
                chunk = chunk.strip().lstrip("- ")
                if 30 <= len(chunk) <= 400 and chunk[0].isupper():
                    sentences.add(chunk if chunk[-1] in ".!?" else chunk + ".")
    return sorted(sentences)


class Generator:
    """Makes varied, realistic initiative values (deterministic for a seed)."""

    def __init__(self, seed: int = 42) -> None:
        """Load the vocabularies."""
        from wiki.demo.initiatives import INITIATIVES
        from wiki.records.builtin import CHOICE_LISTS

        self.rng = random.Random(seed)
        self.sentences = demo_sentences()
        self.communes = load_communes(self.rng)
        # Zipf-like: the first communes (Redon first) are named much more often.
        self.commune_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.communes))]
        self.lists = {key: [item["value"] for item in items] for key, _, items in CHOICE_LISTS}
        self.demo_titles = [item["title"] for item in INITIATIVES]
        self.porteurs = sorted({item["porteur"] for item in INITIATIVES})
        self.themes = list(THEME_WEIGHTS)
        self.theme_weights = list(THEME_WEIGHTS.values())

    def _text(self, low: int, high: int, *, paragraphs: bool = False) -> str:
        """Return ``low``..``high`` sentences, in paragraphs of 2 to 4 when asked."""
        picked = [self.rng.choice(self.sentences) for _ in range(self.rng.randint(low, high))]
        if not paragraphs:
            return " ".join(picked)
        out, i = [], 0
        while i < len(picked):
            n = self.rng.randint(2, 4)
            out.append(" ".join(picked[i : i + n]))
            i += n
        return "\n\n".join(out)

    def _distinct(self, population: list[str], weights: list[float], k: int) -> list[str]:
        """Return ``k`` distinct items drawn by weight."""
        chosen: list[str] = []
        while len(chosen) < k:
            item = self.rng.choices(population, weights)[0]
            if item not in chosen:
                chosen.append(item)
        return chosen

    def initiative(self, n: int) -> dict[str, Any]:
        """Return the submitted values (by field key) of initiative number ``n``."""
        rng = self.rng
        k = rng.choices([0, 1, 2, 3], [15, 55, 20, 10])[0]
        communes = self._distinct([c for c, _ in self.communes], self.commune_weights, k)
        place = dict(self.communes).get(communes[0]) if communes else rng.choice(self.communes)[1]
        if rng.random() < 0.15:
            title = f"{rng.choice(self.demo_titles)} ({place})"
        else:
            title = f"{rng.choice(TITLE_HEADS)} {rng.choice(TITLE_LINKS)} {place}"
        resume = self._text(2, 4)
        if len(resume) > 800:
            resume = resume[:800].rsplit(" ", 1)[0] + "…"
        values: dict[str, Any] = {
            "title": f"{title} #{n}" if rng.random() < 0.05 else title,
            "resume": resume,
            "porteur": rng.choice(self.porteurs)
            if rng.random() < 0.3
            else f"Association {rng.choice(TITLE_HEADS).lower()} de {place}",
            "type_porteur": rng.choice(self.lists["type_porteur"]),
            "territoire": f"Pays de {place}",
            "echelle": rng.choice(self.lists["echelle"]),
            "communes": communes,
            "departements": sorted({c[:2] for c in communes}),
            "region": "Bretagne" if not communes or communes[0][:2] != "44" else "Pays de la Loire",
            "pays": "FR",
            "population": rng.choice([rng.randint(150, 3000), rng.randint(3000, 30000), rng.randint(30000, 250000)]),
            "annee_lancement": rng.randint(1995, 2025),
            "etat_projet": rng.choice(self.lists["etat_projet"]),
            "contexte": self._text(1, 4),
            "description": self._text(4, 14, paragraphs=True),
            "themes": self._distinct(self.themes, self.theme_weights, rng.choices([1, 2, 3, 4], [30, 35, 25, 10])[0]),
            "public": rng.sample(self.lists["public_cible"], rng.randint(0, 3)),
            "budget_total": rng.choice([None, rng.randint(1, 400) * 500, rng.randint(10, 3000) * 1000]),
            "recours_tiers_lieu": rng.random() < 0.25,
            "licence": rng.choice(self.lists["licence"]),
            "source": "Données générées pour le banc d’essai",
        }
        if rng.random() < 0.5:
            values["resultats"] = self._text(1, 3)
        return {key: value for key, value in values.items() if value not in (None, [], "")}


# --- instances ------------------------------------------------------------------------


class CPUMeter:
    """CPU time of this process, of the PostgreSQL server (if any) and of the whole machine, from ``/proc``."""

    def __init__(self, postmaster_pid_file: Path | None = None) -> None:
        """Remember where to find the server's processes."""
        self.pid_file = postmaster_pid_file
        self.tick = os.sysconf("SC_CLK_TCK")

    def server_seconds(self) -> float:
        """Return the CPU seconds used so far by the postmaster and its live children."""
        if self.pid_file is None:
            return 0.0
        try:
            root = int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        ticks = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == root or int(fields[1]) == root:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / self.tick

    def machine_seconds(self) -> tuple[float, float]:
        """Return (busy, total) CPU seconds of the machine since boot, all CPUs."""
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        total = sum(values[:8])
        return (total - values[3] - values[4]) / self.tick, total / self.tick

    def snapshot(self) -> tuple[float, float, float, float]:
        """Return (own, server, machine busy, machine total) CPU seconds."""
        times = os.times()
        busy, total = self.machine_seconds()
        return times.user + times.system, self.server_seconds(), busy, total

    @staticmethod
    def delta(before: tuple[float, float, float, float], after: tuple[float, float, float, float]) -> dict[str, float]:
        """Return the CPU used between two snapshots: ours (app + server) and the other processes' share."""
        own, server, busy, total = (b - a for a, b in zip(before, after, strict=True))
        others = max(0.0, busy - own - server)
        return {"app_cpu_s": own, "server_cpu_s": server, "others_share": others / total if total else 0.0}


@contextmanager
def instance(backend: str, tmp: Path) -> Iterator[tuple[Any, dict[str, Any], CPUMeter]]:
    """Yield an app on a fresh, migrated database of ``backend``, facts about it and a CPU meter; clean up after."""
    from wiki import create_app

    server = None
    app = None
    try:
        facts: dict[str, Any] = {"backend": backend}
        meter = CPUMeter()
        if backend == "postgresql":
            from tests.support.postgres import PostgresServer

            server = PostgresServer(tmp / "pg")
            server.start()
            url = server.create_database("lieudit_bench")
            if server._dir is not None:  # a throwaway server of ours: its processes can be measured
                meter = CPUMeter(server._dir / "data" / "postmaster.pid")
        else:
            url = f"sqlite:///{tmp / 'lieudit.db'}"
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "bench"})
        from wiki import migrate
        from wiki.db import Database

        with app.app_context():
            migrate.upgrade(Database.engine(), None, backup=False)
            with Database.engine().connect() as conn:
                if backend == "postgresql":
                    facts["server_version"] = (
                        "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
                    )
                else:
                    facts["server_version"] = "SQLite " + sqlite3.sqlite_version
        yield app, facts, meter
    finally:
        if app is not None:
            from wiki.db import Database

            Database.engine(app).dispose()
        if server is not None:
            server.stop()


def search_muted() -> Any:
    """Return ``wiki.search.indexer.muted()`` when that module exists (bulk load: no per-commit indexing), else a no-op."""
    try:
        from wiki.search.indexer import muted
    except ImportError:
        return nullcontext()
    return muted()


def populate(app: Any, count: int, backend: str) -> dict[str, Any]:
    """Seed the built-in forms and insert ``count`` initiatives; return timings and sizes."""
    from sqlalchemy import Text
    from sqlalchemy import cast
    from sqlalchemy import func
    from sqlalchemy import select
    from sqlalchemy import update

    from wiki.db import Database
    from wiki.demo import demo_author
    from wiki.demo import seed
    from wiki.records import form_services
    from wiki.records import services
    from wiki.records import taxonomy
    from wiki.records.models import Record
    from wiki.records.models import RecordFacet

    gen = Generator(42)
    facts: dict[str, Any] = {}
    with app.app_context(), search_muted():
        db = Database.new_session()
        try:
            seed(db)
            db.commit()
            author = demo_author(db)
            form = form_services.get_form(db, "initiative")
            ctx = taxonomy.cleaning_context(db)
            t0 = time.perf_counter()
            text_bytes = 0
            for n in range(1, count + 1):
                values = gen.initiative(n)
                text_bytes += sum(len(v.encode()) for v in values.values() if isinstance(v, str))
                services.create_record(
                    db,
                    form,
                    values,
                    actor=author,
                    policy="account",
                    ctx=ctx,
                    status="published",
                    comment="banc d’essai",
                )
                if n % BATCH == 0 or n == count:
                    db.commit()
                    db.expunge_all()
                    form = form_services.get_form(db, "initiative")
                    author = demo_author(db)
                if n % 2000 == 0:
                    print(f"  {n} records, {n / (time.perf_counter() - t0):.0f} records/s", flush=True)
            seconds = time.perf_counter() - t0
            facts.update(
                insert_s=round(seconds, 1),
                insert_per_s=round(count / seconds, 1),
                text_kib_per_record=round(text_bytes / count / 1024, 2),
            )
            # Spread the dates over five years: sorting by date sees realistic values.
            ids = list(db.scalars(select(Record.id).where(Record.form_id == form.id).order_by(Record.id)))
            base = datetime(2021, 1, 1, tzinfo=UTC)
            rows = []
            for record_id in ids:
                created = base + timedelta(seconds=gen.rng.randint(0, 5 * 365 * 86400))
                rows.append(
                    {
                        "id": record_id,
                        "created_at": created,
                        "updated_at": created + timedelta(seconds=gen.rng.randint(0, 300 * 86400)),
                    }
                )
            db.execute(update(Record), rows)
            db.commit()
            facts["facet_rows"] = db.scalar(select(func.count()).select_from(RecordFacet))
            facts["records"] = len(ids)
            average = select(func.avg(func.length(cast(Record.data, Text))), func.avg(func.length(Record.search_text)))
            data_len, text_len = db.execute(average).one()
            facts["avg_data_kib"] = round(float(data_len or 0) / 1024, 2)
            facts["avg_search_text_kib"] = round(float(text_len or 0) / 1024, 2)
        finally:
            db.close()
        if backend == "postgresql":
            # What autovacuum does after such a load (and what index-only scans need).
            with Database.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
    return facts


# --- measurement ----------------------------------------------------------------------


class SQLCounter:
    """Counts the statements sent through the engine (optionally keeping them and their parameters)."""

    def __init__(self, engine: Any) -> None:
        """Listen to ``engine``'s cursor events."""
        from sqlalchemy import event

        self.engine = engine
        self.count = 0
        self.statements: list[tuple[str, Any]] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        self.count += 1
        if self.keep:
            self.statements.append((statement, parameters))

    def reset(self, keep: bool = False) -> None:
        """Start counting afresh (``keep``: also record each statement and its parameters)."""
        self.count, self.statements, self.keep = 0, [], keep

    def close(self) -> None:
        """Stop listening."""
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._before)


def replay(engine: Any, statements: list[tuple[str, Any]], rounds: int = 3) -> list[tuple[float, str]]:
    """Run each statement again on a raw DBAPI cursor, execute *and* fetch, best of ``rounds``; return (ms, SQL).

    The cursor events of SQLAlchemy do not see the fetch, where SQLite does
    most of the work of a streaming query: replaying is the fair way to time
    the database side of a request on both backends.
    """
    timed = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                continue
            best = float("inf")
            for _ in range(rounds):
                t0 = time.perf_counter()
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
                best = min(best, time.perf_counter() - t0)
            timed.append((best * 1000, " ".join(statement.split())))
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return timed


def percentile(values: list[float], q: float) -> float:
    """Return the ``q`` percentile (0–100) of ``values``, linear interpolation."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summarize(samples_ms: list[float]) -> dict[str, float]:
    """Return p50/p95/p99/max/mean of samples in ms."""
    return {
        "p50": round(percentile(samples_ms, 50), 2),
        "p95": round(percentile(samples_ms, 95), 2),
        "p99": round(percentile(samples_ms, 99), 2),
        "max": round(max(samples_ms), 2),
        "mean": round(sum(samples_ms) / len(samples_ms), 2),
    }


def time_url(client: Any, counter: SQLCounter, meter: CPUMeter, url: str, warmup: int, requests: int) -> dict[str, Any]:
    """Warm up then time ``requests`` GETs of ``url``; return the figures."""
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.get_data(as_text=True)[:500]}")
    samples, sql_counts = [], []
    size = 0
    before = meter.snapshot()
    for _ in range(requests):
        counter.reset()
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        sql_counts.append(counter.count)
        size = len(response.get_data())
    cpu = meter.delta(before, meter.snapshot())
    counter.reset(keep=True)
    client.get(url)
    statements = counter.statements
    counter.reset()
    timed = replay(counter.engine, statements)
    return {
        **summarize(samples),
        "cpu_ms_per_req": round((cpu["app_cpu_s"] + cpu["server_cpu_s"]) * 1000 / requests, 2),
        "server_cpu_ms_per_req": round(cpu["server_cpu_s"] * 1000 / requests, 2),
        "others_share": round(cpu["others_share"], 3),
        "sql_statements": max(set(sql_counts), key=sql_counts.count),
        "db_ms": round(sum(ms for ms, _ in timed), 2),
        "bytes": size,
        "slowest_statements": [{"ms": round(ms, 2), "sql": sql[:400]} for ms, sql in sorted(timed, reverse=True)[:4]],
    }


def time_list_records(app: Any, url: str, warmup: int, requests: int) -> dict[str, Any]:
    """Time ``queries.list_records`` alone (no view, no template) for ``url``'s filters."""
    from flask import request
    from flask_login import current_user

    from wiki.db import get_session
    from wiki.records import form_services
    from wiki.records import queries
    from wiki.records.views import facet_labels

    with app.test_request_context(url):
        db = get_session()
        form = form_services.get_form(db, "initiative")
        filters = queries.parse_filters(request.args, form, current_user)
        labels = facet_labels(form)
        for _ in range(warmup):
            queries.list_records(db, form, filters, labels=labels)
        samples = []
        for _ in range(requests):
            t0 = time.perf_counter()
            result = queries.list_records(db, form, filters, labels=labels)
            samples.append((time.perf_counter() - t0) * 1000)
            db.rollback()  # like a new request: fresh transaction, empty identity map
            db.expunge_all()
            form = form_services.get_form(db, "initiative")
        return {**summarize(samples), "total": result.total}


def profile_url(client: Any, url: str, requests: int) -> str:
    """Return the top 25 functions by cumulative time, then the top 15 by own time, over ``requests`` GETs of ``url``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    parts = []
    for key, count in (("cumulative", 25), ("tottime", 15)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(count)
        text = out.getvalue()
        parts.append(f"-- sorted by {key} --\n" + text[text.find("   ncalls") :].rstrip())
    return "\n".join(parts).replace(str(REPO) + "/", "").replace(str(Path(sys.prefix)) + "/lib/", "")


def measure(app: Any, meter: CPUMeter, args: argparse.Namespace) -> dict[str, Any]:
    """Time every URL, the query alone, and profile what misses the target."""
    from wiki.db import Database

    counter = SQLCounter(Database.engine(app))
    client = app.test_client()
    results: dict[str, Any] = {"urls": {}, "profiles": {}}
    try:
        for label, url in URLS:
            figures = time_url(client, counter, meter, url, args.warmup, args.requests)
            results["urls"][label] = {"url": url, **figures}
            print(
                f"  {label:30} p50 {figures['p50']:7.1f}  p95 {figures['p95']:7.1f} ms  CPU {figures['cpu_ms_per_req']:6.1f} ms/req  "
                f"DB {figures['db_ms']:6.1f} ms  others {figures['others_share']:.0%}",
                flush=True,
            )
        results["list_records"] = time_list_records(app, TWO_FACETS, args.warmup, args.requests)
        if args.profile:
            for label, url in URLS:
                if args.profile_all or results["urls"][label]["p95"] >= TARGET_MS:
                    results["profiles"][label] = profile_url(client, url, args.profile)
    finally:
        counter.close()
    return results


# --- report ---------------------------------------------------------------------------


def print_report(facts: dict[str, Any], results: dict[str, Any], args: argparse.Namespace) -> None:
    """Print the Markdown table, the verdict and the evidence for what misses the target, for one backend."""
    print(f"\n## {facts['server_version']}: {facts['records']:,} initiatives, {facts['facet_rows']:,} facet rows")
    print(
        f"\nSeeding: {facts['insert_s']} s through `services.create_record` ({facts['insert_per_s']} records/s, "
        f"commit every {BATCH}); {facts['text_kib_per_record']} KiB of text per record "
        f"(stored `data` {facts['avg_data_kib']} KiB, `search_text` {facts['avg_search_text_kib']} KiB).\n"
    )
    print(
        f"Server time, Flask test client, anonymous, {args.warmup} warm-up + {args.requests} timed requests per URL. "
        "CPU = this process + the database server, per request; DB = the request's statements replayed "
        "(execute + fetch, best of 3); others = CPU share of the machine taken by other processes meanwhile.\n"
    )
    print("| URL | p50 ms | p95 ms | p99 ms | max ms | CPU ms/req | SQL stmts | DB ms | others | KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in results["urls"].items():
        flag = " ❌" if r["p95"] >= TARGET_MS else ""
        print(
            f"| {label} `{r['url'].replace('/annuaire/initiative', '…')}` | {r['p50']:.1f} | **{r['p95']:.1f}**{flag} | {r['p99']:.1f} | "
            f"{r['max']:.1f} | {r['cpu_ms_per_req']:.1f} | {r['sql_statements']} | {r['db_ms']:.1f} | {r['others_share']:.0%} | {r['bytes'] / 1024:.1f} |"
        )
    lr = results["list_records"]
    page = results["urls"]["2 facettes (themes+communes)"]
    print(
        f"\n`queries.list_records` alone, two facets ({lr['total']} matches): p50 {lr['p50']:.1f} ms, p95 {lr['p95']:.1f} ms; "
        f"the whole request: p50 {page['p50']:.1f} ms, so parsing, labels and the template take ~{page['p50'] - lr['p50']:.1f} ms."
    )
    worst = max(results["urls"].items(), key=lambda item: item[1]["p95"])
    ok = worst[1]["p95"] < TARGET_MS
    print(
        f"\n**Verdict ({facts['backend']}): {'PASS' if ok else 'FAIL'}** — worst p95 {worst[1]['p95']:.1f} ms "
        f"({worst[0]}) against the {TARGET_MS:.0f} ms target."
    )
    for label, r in results["urls"].items():
        if r["p95"] >= TARGET_MS or args.profile_all:
            print(f"\nSlowest statements of one `{label}` request (replayed):")
            for s in r["slowest_statements"]:
                print(f"- {s['ms']:.1f} ms: `{s['sql'][:260]}`")
    for label, text in results["profiles"].items():
        print(f"\ncProfile, {args.profile} requests of `{label}`:\n```\n{text}\n```")


def append_jsonl(path: str, facts: dict[str, Any], results: dict[str, Any], context: dict[str, Any]) -> None:
    """Append one JSON record per URL (and one for list_records alone) to ``path``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        for label, r in results["urls"].items():
            fh.write(json.dumps({**context, **facts, "scenario": label, **r}, ensure_ascii=False, default=str) + "\n")
        row = {**context, **facts, "scenario": "list_records alone (2 facets)", **results["list_records"]}
        fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def main() -> int:
    """Run the benchmark on the requested backends."""
    args = parse_args()
    isolate_environment()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    context = {
        "bench": "records_list",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_state(),
        "machine": machine(),
        "command": " ".join([".venv/bin/python", "bench/records_list.py", *sys.argv[1:]]),
    }
    m = context["machine"]
    print(f"# Lieudit faceted list benchmark, {context['time']}, commit {context['git']}")
    print(
        f"# machine: {m['nproc']} CPU ({m['cpu']}), {m['mem_gib']} GiB RAM, Python {m['python']}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"# command: {context['command']}")
    verdicts = {}
    for backend in backends:
        tmp = Path(tempfile.mkdtemp(prefix=f"lieudit-bench-{backend}-"))
        try:
            print(f"\n[{backend}] building an instance with {args.records:,} initiatives…", flush=True)
            with instance(backend, tmp) as (app, facts, meter):
                facts.update(populate(app, args.records, backend))
                print(
                    f"[{backend}] seeded in {facts['insert_s']} s ({facts['insert_per_s']} records/s); measuring…",
                    flush=True,
                )
                results = measure(app, meter, args)
            print_report(facts, results, args)
            verdicts[backend] = max(results["urls"].items(), key=lambda item: item[1]["p95"])
            if args.jsonl:
                append_jsonl(args.jsonl, facts, results, context)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\n## Summary\n")
    for backend, (label, r) in verdicts.items():
        print(
            f"- {backend}: worst p95 {r['p95']:.1f} ms ({label}) → {'PASS' if r['p95'] < TARGET_MS else 'FAIL'} (target < {TARGET_MS:.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
