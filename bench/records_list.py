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

The initiatives and their instance are in ``records_seed.py``, the timing of
one URL in ``records_timing.py`` (both shared with ``api.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from records_seed import BATCH
from records_seed import REDON
from records_seed import instance
from records_seed import populate
from records_timing import CPUMeter
from records_timing import print_summary
from records_timing import profile_url
from records_timing import time_list_records
from records_timing import time_url
from run_context import isolate_environment
from run_context import start_run
from sql_counter import SQLCounter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_MS = 100.0

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
    context = start_run("records_list", "faceted list")
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
    print_summary(verdicts, TARGET_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
