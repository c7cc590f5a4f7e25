"""Benchmark: server time of the JSON API's record list at 10,000 initiatives, SQLite and PostgreSQL.

Target (issue 7): ``GET /api/v1/forms/initiative/records`` answers with p95
under 100 ms of server time at 10,000 records.

Reuses the instance builder and the timing of ``bench/records_list.py``
(``records_seed.py``, ``records_timing.py``):
a throwaway instance (a SQLite file, or a PostgreSQL server it starts),
``--records`` initiatives inserted through ``services.create_record`` with the
same seeded French data, then, per URL, ``--warmup`` untimed and
``--requests`` timed requests with the Flask test client (server time, no
network), reporting p50/p95/p99/max, CPU per request, SQL statements and
their replayed database time, and the answer's size. One scenario sends a
bearer token (its lookup is part of each request); the others are
anonymous. Also times ``lieudit dump`` and ``lieudit load`` of the same
instance (``--no-dump`` to skip).

Run from the repository root: ``.venv/bin/python bench/api.py`` (``--records
2000`` for a quick run, ``--backend sqlite|postgresql|both``, ``--jsonl FILE``).
Servers and temporary folders are removed at the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from records_seed import REDON
from records_seed import instance
from records_seed import populate
from records_timing import print_summary
from records_timing import time_url
from run_context import isolate_environment
from run_context import start_run
from sql_counter import SQLCounter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's wiki, and tests.support

TARGET_MS = 100.0
URLS: tuple[tuple[str, str, bool], ...] = (
    ("liste (défaut, 50)", "/api/v1/forms/initiative/records", False),
    ("liste limit=200", "/api/v1/forms/initiative/records?limit=200", False),
    ("2 facettes", f"/api/v1/forms/initiative/records?themes=mobilite&communes={REDON}", False),
    ("tri=-updated", "/api/v1/forms/initiative/records?tri=-updated", False),
    ("offset=9000", "/api/v1/forms/initiative/records?offset=9000", False),
    ("liste avec jeton", "/api/v1/forms/initiative/records", True),
    ("une fiche", "/api/v1/records/{id}", False),
)


class WithHeaders:
    """A test client that sends fixed headers with every GET."""

    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def get(self, url: str) -> Any:
        """GET ``url`` with the headers."""
        return self.client.get(url, headers=self.headers)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--no-dump", action="store_true", help="skip timing dump and load")
    parser.add_argument("--jsonl", help="append one JSON record per URL and backend to this file")
    return parser.parse_args()


def make_token(app: Any) -> str:
    """Create a contributor and a token for it; return the secret."""
    from wiki.auth import services as accounts
    from wiki.auth import tokens
    from wiki.db import Database

    db = Database.new_session(app)
    try:
        user = accounts.create_user(
            db,
            name="Robot du banc",
            password="motdepasse-solide",
            settings=accounts.Settings(hash_method="pbkdf2:sha256:1000"),
        )
        secret = tokens.create_token(db, user, "banc").secret
        db.commit()
        return secret
    finally:
        db.close()


def first_record(app: Any) -> int:
    """Return the id of the initiative in the middle of the table."""
    from sqlalchemy import func
    from sqlalchemy import select

    from wiki.db import Database
    from wiki.records.models import Record

    db = Database.new_session(app)
    try:
        count = db.scalar(select(func.count()).select_from(Record)) or 1
        return db.scalar(select(Record.id).order_by(Record.id).offset(count // 2).limit(1)) or 1
    finally:
        db.close()


def measure(app: Any, meter: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Time every URL."""
    from wiki.db import Database

    counter = SQLCounter(Database.engine(app))
    client = app.test_client()
    with_token = WithHeaders(client, {"Authorization": f"Bearer {make_token(app)}"})
    record_id = first_record(app)
    results: dict[str, Any] = {}
    try:
        for label, url, token in URLS:
            url = url.format(id=record_id)
            figures = time_url(with_token if token else client, counter, meter, url, args.warmup, args.requests)
            results[label] = {"url": url, **figures}
            print(
                f"  {label:22} p50 {figures['p50']:7.1f}  p95 {figures['p95']:7.1f} ms  CPU {figures['cpu_ms_per_req']:6.1f} ms/req  "
                f"SQL {figures['sql_statements']:3}  DB {figures['db_ms']:6.1f} ms  others {figures['others_share']:.0%}",
                flush=True,
            )
    finally:
        counter.close()
    return results


def time_dump_load(app: Any, backend: str, tmp: Path) -> dict[str, Any]:
    """Time a dump of the instance and its load into a new SQLite instance."""
    from wiki import create_app
    from wiki.db import Database
    from wiki.portability import dumping
    from wiki.portability import loading

    target = tmp / "dump.zip"
    t0 = time.perf_counter()
    with app.app_context():
        summary = dumping.dump(
            Database.engine(), target, uploads=Path(app.instance_path) / "uploads", settings={}, app_version="bench"
        )
    dump_s = time.perf_counter() - t0
    other = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp / 'loaded.db'}", "INSTANCE_PATH": str(tmp / "loaded"), "SECRET_KEY": "bench"}
    )
    try:
        t0 = time.perf_counter()
        with other.app_context():
            loading.load(Database.engine(), target, uploads=Path(other.instance_path) / "uploads")
        load_s = time.perf_counter() - t0
    finally:
        Database.engine(other).dispose()
    return {
        "rows": sum(summary.tables.values()),
        "zip_mib": round(target.stat().st_size / 1024**2, 1),
        "dump_s": round(dump_s, 1),
        "load_sqlite_s": round(load_s, 1),
    }


def main() -> int:
    """Run the benchmark on the requested backends."""
    args = parse_args()
    isolate_environment()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    context = start_run("api", "API")
    summary = {}
    for backend in backends:
        tmp = Path(tempfile.mkdtemp(prefix=f"lieudit-bench-api-{backend}-"))
        try:
            print(f"\n[{backend}] building an instance with {args.records:,} initiatives…", flush=True)
            with instance(backend, tmp) as (app, facts, meter):
                facts.update(populate(app, args.records, backend))
                print(f"[{backend}] seeded in {facts['insert_s']} s; measuring…", flush=True)
                results = measure(app, meter, args)
                portability = None if args.no_dump else time_dump_load(app, backend, tmp)
            print(f"\n## {facts['server_version']}: {facts['records']:,} initiatives\n")
            print(f"Server time, Flask test client, {args.warmup} warm-up + {args.requests} timed requests per URL.\n")
            print("| scenario | p50 ms | p95 ms | p99 ms | CPU ms/req | SQL stmts | DB ms | others | KiB |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for label, r in results.items():
                flag = " ❌" if r["p95"] >= TARGET_MS else ""
                print(
                    f"| {label} `{r['url'].removeprefix('/api/v1')}` | {r['p50']:.1f} | **{r['p95']:.1f}**{flag} | {r['p99']:.1f} | "
                    f"{r['cpu_ms_per_req']:.1f} | {r['sql_statements']} | {r['db_ms']:.1f} | {r['others_share']:.0%} | {r['bytes'] / 1024:.1f} |"
                )
            if portability:
                print(
                    f"\nDump: {portability['rows']:,} rows, {portability['zip_mib']} MiB zip in {portability['dump_s']} s; "
                    f"load into a new SQLite instance: {portability['load_sqlite_s']} s."
                )
            worst = max(results.items(), key=lambda item: item[1]["p95"])
            summary[backend] = worst
            if args.jsonl:
                Path(args.jsonl).parent.mkdir(parents=True, exist_ok=True)
                with open(args.jsonl, "a", encoding="utf-8") as fh:
                    for label, r in results.items():
                        fh.write(
                            json.dumps(
                                {**context, **facts, "scenario": label, **r, "portability": portability},
                                ensure_ascii=False,
                                default=str,
                            )
                            + "\n"
                        )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print_summary(summary, TARGET_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
