"""Whoosh at scale: the rebuild, then query p50/p99 through HTTP with the index in 2, 4 and 1 segments.

    .venv/bin/python bench/search_segments.py --docs 100000 [--parts 2,4,1] [--queries 300]

Loads ``--docs`` documents once (``search_data.load``: half pages, half
records), then for each number of parts: ``maintenance.rebuild(parts=N)``
(what ``lieudit search rebuild`` runs, one segment per part; the first
figure is the rebuild with the parts ``maintenance.plan`` picks when
``--parts`` starts with 0), its wall and CPU time (this process and its
writer processes) and load average, then a gunicorn server on the instance
and ``--queries`` single words and as many phrases, one at a time, after a
warm-up (``search_measures.served_queries``: p50/p99 and the server's CPU per
request). A search reads every segment: this tells what the parts cost the queries.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_data import instance  # noqa: E402
from search_data import load  # noqa: E402
from search_data import query_words  # noqa: E402
from search_measures import cpu_seconds  # noqa: E402
from search_measures import served_queries  # noqa: E402


def main() -> None:
    """Load once, then rebuild and query for each number of parts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--parts", default="2,4,1", help="segments of each rebuild, comma-separated (0: the plan's)")
    parser.add_argument("--queries", type=int, default=300, help="single-word queries, and as many phrases")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lieudit-bench-segments-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    """Load the documents into a fresh Whoosh instance, then rebuild and query for each number of parts."""
    from wiki.db import Database
    from wiki.search import get_backend
    from wiki.search import indexer
    from wiki.search import maintenance

    singles, phrases = query_words(args.queries)
    with instance("whoosh", tmp / "whoosh") as (app, url, _facts):
        with indexer.muted():
            print(f"loaded {args.docs} documents in {load(app, args.docs):.1f} s", flush=True)
        for parts in [int(p) for p in args.parts.split(",")]:
            with app.app_context():
                backend = get_backend(app)
                load_before, started, cpu = os.getloadavg()[0], time.perf_counter(), cpu_seconds()
                count = maintenance.rebuild(Database.engine(app), backend, parts=parts or None)
                wall, used = time.perf_counter() - started, cpu_seconds() - cpu
                segments = len(backend._searcher().reader().leaf_readers())
                backend.close()
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"rebuild {count} documents, {segments} segments: wall {wall:.1f} s, CPU {used:.1f} s, "
                f"writers' peak RSS so far {peak:.0f} MB, load {load_before:.1f} -> {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            (single, _), (phrase, _) = served_queries(
                app, url, "whoosh", singles, phrases, args.workers, tmp / f"gunicorn-{parts}.log"
            )
            print(f"{segments} segments: single {single} phrase {phrase}, load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
