"""Two app nodes on one PostgreSQL behind nginx, at full size: 50 editors × 20 saves, with anonymous readers.

The reduced form runs in the test suite (``tests/wiki/site/test_two_nodes.py``:
50 × 3, no think time). This one starts its own PostgreSQL server, runs
``lieudit init`` on a new database, creates the editors' accounts and three
shared pages, starts two ``lieudit run`` nodes (own instance folders, one
uploads folder, one ``SECRET_KEY``, PostgreSQL search) and nginx in front of
them, then runs at once:

- ``--editors`` editors, each logged in through nginx, making ``--saves``
  saves (own page, own line of a shared page, or the contested first line
  of one), waiting 0 to ``--think`` seconds between two;
- ``--readers`` anonymous readers reading pages through nginx until the
  editors are done.

It prints saves per second, the p50 / p99 of the saves' POSTs and of the
reads, every status seen, 5xx answers, and what the database says of every
save (``lost``: accepted but in no revision; ``phantom``: refused but
written; ``missing``: an accepted change absent from the final texts), plus
the CPU time of each node and of PostgreSQL. Usage::

    .venv/bin/python bench/two_nodes.py [--editors 50] [--saves 20] [--think 2] [--readers 10] [--workers 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.harness import group_cpu_seconds  # noqa: E402
from bench.harness import tree_cpu_seconds  # noqa: E402
from bench.run_context import git_revision  # noqa: E402
from bench.run_context import isolate_environment  # noqa: E402
from bench.run_context import machine_summary  # noqa: E402
from tests.support import editors as E  # noqa: E402
from tests.support.nodes import initialise  # noqa: E402
from tests.support.nodes import start_cluster  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402

PASSWORD = "motdepasse-solide"
SHARED = ["commun-1", "commun-2", "commun-3"]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))] if ordered else float("nan")


def seed(url: str, folder: Path, editors: int) -> Any:
    """Create the accounts and the shared pages in-process; return the app (to read the database after)."""
    from wiki import create_app
    from wiki.auth import services as accounts
    from wiki.auth.services import Settings
    from wiki.db import Database
    from wiki.pages import services as pages

    app = create_app({"INSTANCE_PATH": str(folder / "seed"), "DATABASE_URL": url, "SECRET_KEY": "seed",
                      "SEARCH_BACKEND": "postgres", "SEARCH_INDEX_IN_BACKGROUND": False})  # fmt: skip
    fast = Settings(hash_method="pbkdf2:sha256:1000")  # logins are not what is measured
    db = Database.new_session(app)
    for index in range(editors):
        accounts.create_user(db, name=f"editeur{index}", password=PASSWORD, settings=fast)
    author = accounts.create_user(db, name="Camille", password=PASSWORD, settings=fast)
    for number in range(1, len(SHARED) + 1):
        pages.create_page(db, title=f"Commun {number}", body=E.shared_body(editors), comment="", actor=author,
                          policy="account", max_bytes=1_000_000)  # fmt: skip
    db.commit()
    db.close()
    return app


def read_loop(
    base: str, editors: int, stop: threading.Event, statuses: Counter[int], latencies: list[float], seed: int
) -> None:
    """An anonymous reader: page after page through nginx until ``stop`` (an editor's page may not exist yet: 404)."""
    chance = random.Random(seed)
    http = requests.Session()
    paths = ["/", *(f"/pages/{slug}" for slug in SHARED), "/pages", "/-/modifications"]
    while not stop.is_set():
        path = chance.choice(paths + [f"/pages/editeur-{chance.randrange(editors)}"])
        started = time.monotonic()
        try:
            status = http.get(base + path, timeout=120, allow_redirects=False).status_code
        except requests.RequestException:
            status = 0
        latencies.append(time.monotonic() - started)
        statuses[status] += 1
        time.sleep(chance.uniform(0, 0.5))


def audit(app: Any, run: E.Run) -> dict[str, int]:
    """Compare every save's outcome with the database."""
    from wiki.db import Database
    from wiki.pages.models import Page
    from wiki.pages.models import PageRevision

    db = Database.new_session(app)
    try:

        def revisions(slug: str) -> list[str]:
            page = db.scalar(select(Page).where(Page.slug == slug))
            return (
                []
                if page is None
                else list(db.scalars(select(PageRevision.body).where(PageRevision.page_id == page.id)))
            )

        def current(slug: str) -> str:
            page = db.scalar(select(Page).where(Page.slug == slug))
            return "" if page is None or page.current_revision is None else page.current_revision.body

        return E.audit(run, revisions, current, SHARED)
    finally:
        db.close()


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--think", type=float, default=2.0, help="longest pause between two saves, in seconds")
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per node")
    args = parser.parse_args()
    isolate_environment()
    folder = Path(tempfile.mkdtemp(prefix="lieudit-two-nodes-"))
    folder.chmod(0o755)
    server = PostgresServer(folder / "postgres")
    server.start()
    cluster = None
    try:
        url = server.create_database("two_nodes")
        initialise(url, folder)
        app = seed(url, folder, args.editors)
        cluster = start_cluster(folder, url, count=2, workers=args.workers, FORM_MIN_SECONDS="0")
        cpu_before = [group_cpu_seconds(node.proc.pid) for node in cluster.nodes if node.proc]
        postmaster = int((server._data / "postmaster.pid").read_text().split()[0])
        pg_before = tree_cpu_seconds(postmaster)
        load = os.getloadavg()
        stop = threading.Event()
        read_statuses: Counter[int] = Counter()
        read_latencies: list[float] = []
        readers = [threading.Thread(target=read_loop, args=(cluster.url, args.editors, stop, read_statuses, read_latencies, n))
                   for n in range(args.readers)]  # fmt: skip
        for reader in readers:
            reader.start()
        started = time.monotonic()
        run = E.run_editors(cluster.url, args.editors, args.saves, PASSWORD, SHARED, think=args.think)
        elapsed = time.monotonic() - started
        stop.set()
        for reader in readers:
            reader.join()
        cpu_after = [group_cpu_seconds(node.proc.pid) for node in cluster.nodes if node.proc]
        pg_cpu = tree_cpu_seconds(postmaster) - pg_before
        load_after = os.getloadavg()
        found = audit(app, run)
    finally:
        if cluster is not None:
            cluster.stop()
        server.stop()
    statuses = Counter(save.status for save in run.saves)
    post_times = [save.seconds for save in run.saves]
    five = sum(n for status, n in statuses.items() if status >= 500) + sum(
        n for status, n in read_statuses.items() if status >= 500
    )
    machine = machine_summary(python=True)
    print(f"# bench/two_nodes.py at {git_revision()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {machine['nproc']} CPU ({machine['cpu']}), {machine['mem_gib']} GiB RAM")
    print(f"# load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after {load_after[0]:.2f}")
    print(f"# {args.editors} editors x {args.saves} saves, think 0-{args.think} s, {args.readers} readers, "
          f"2 nodes x {args.workers} workers, nginx round robin")  # fmt: skip
    print(f"saves: {len(run.saves)} in {elapsed:.1f} s = {len(run.saves) / elapsed:.1f} saves/s")
    print(f"save POST p50 {_percentile(post_times, 50) * 1000:.0f} ms, p99 {_percentile(post_times, 99) * 1000:.0f} ms")
    print(f"save statuses: {dict(sorted(statuses.items()))} (409: refused, text returned: "
          f"{sum(s.text_returned for s in run.saves if s.status == 409)}/{statuses.get(409, 0)})")  # fmt: skip
    print(f"reads: {sum(read_statuses.values())}, statuses {dict(sorted(read_statuses.items()))}, "
          f"p50 {_percentile(read_latencies, 50) * 1000:.0f} ms, p99 {_percentile(read_latencies, 99) * 1000:.0f} ms")  # fmt: skip
    print(f"5xx: {five}; editor errors: {len(run.errors)}; lost edits: {found['lost']}, phantom: {found['phantom']}, "
          f"accepted changes missing from the final texts: {found['missing']}")  # fmt: skip
    nodes = ", ".join(f"{node.name} {after - before:.1f} s"
                      for node, before, after in zip(cluster.nodes, cpu_before, cpu_after, strict=True))  # fmt: skip
    print(f"CPU during the run: {nodes}, PostgreSQL {pg_cpu:.1f} s")
    for error in run.errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
