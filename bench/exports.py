"""Benchmark: streamed open-data exports of 100,000 records — records per second and peak memory.

Target (issue): CSV (and the other downloads) of 100,000 records in constant
memory, peak RSS under 200 MB.

What it does:

1. Builds a throwaway SQLite instance in a temporary folder (or, with
   ``--backend postgresql``, a database on a PostgreSQL server started by
   ``tests.support.postgres``), runs the
   migrations and loads the demo (built-in forms and the 32 demo
   initiatives, through the real services).
2. Copies the demo initiatives' values into ``--records`` published
   *Initiative* records (100,000 by default; 44 fields, ≈ 2.5 KB of JSON
   each), inserted in bulk with SQLAlchemy Core: an export reads only the
   ``records`` table, so the revisions, facets and activity rows the services
   would also write do not change what is measured, and the load takes
   seconds instead of many minutes.
3. For each format asked (``--formats csv,tableur.csv,json,ods,xlsx``) starts
   a **fresh Python process** (so one run's memory cannot hide in another's)
   that creates the app, makes one warm-up request (imports, templates,
   a 0-row export), reads its RSS (``VmRSS``), then downloads
   ``/donnees/initiative.<format>`` through the Flask test client without
   buffering, consuming the body chunk by chunk as a WSGI server would. It
   reports the wall time, records per second, bytes, time to first byte, and
   the process's peak RSS (``VmHWM``, the high-water mark of the whole
   process, baseline included) and the growth over the warm-up RSS.
   ``--also N`` runs the same with N records first, to show that the peak
   does not grow with the number of records.

Run from the repository root: ``.venv/bin/python bench/exports.py`` (about
five minutes with XLSX; ``--records 10000`` for a quick run). The temporary
folder is removed at the end, on errors and on Ctrl-C.

``--concurrent N`` measures something else (issue 17, item 8: "50 concurrent
spreadsheet exports stall page views"): it serves the instance with gunicorn
(4 sync workers, ``EXPENSIVE_PER_CLIENT=0`` so that the N downloads from
127.0.0.1 count as N reusers), and while N clients ask for
``/donnees/initiative.<--formats>`` at once, one visitor reads the home page in
a loop; it prints the visitor's page-view latencies (median, p99, max), the
downloads' statuses and throughput, and the server's CPU time. Two waves run
one after the other (the first finds no generated file, the second does).
``--before DIR`` runs the same first against another checkout (``git worktree
add /tmp/before <commit>``), for a before/after comparison on the same instance.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _status_kib(key: str) -> int:
    """Read a memory figure of this process from ``/proc/self/status`` (``VmRSS``, ``VmHWM``)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _app(instance: Path, url: str):
    from wiki import create_app

    return create_app(
        {"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "SECRET_KEY": "bench", "SERVER_NAME": "bench.local"}
    )


def build(instance: Path, url: str, count: int) -> None:
    """Create the instance and ``count`` published initiatives."""
    from sqlalchemy import insert
    from sqlalchemy import select

    from wiki import migrate
    from wiki.db import Database
    from wiki.db import utcnow
    from wiki.demo import load_demo
    from wiki.records.models import Form
    from wiki.records.models import Record

    app = _app(instance, url)
    with app.app_context():
        migrate.upgrade(Database.engine(), None, backup=False)
        session = Database.new_session(app)
        load_demo(session)
        session.commit()
        form = session.scalar(select(Form).where(Form.key == "initiative"))
        templates = [r.data for r in session.scalars(select(Record).where(Record.form_id == form.id))]
        title_id = next(f["id"] for f in form.fields if f["key"] == "title")
        now = utcnow()
        batch = []
        for n in range(count):
            data = dict(templates[n % len(templates)])
            data[title_id] = f"{data.get(title_id, 'Initiative')} n° {n}"
            batch.append({"form_id": form.id, "title": data[title_id][:300], "data": data, "status": "published", "form_revision": form.revision_number,
                          "revision_number": 1, "created_at": now, "updated_at": now, "search_text": ""})  # fmt: skip
            if len(batch) == 5000:
                session.execute(insert(Record), batch)
                session.commit()
                batch.clear()
        if batch:
            session.execute(insert(Record), batch)
            session.commit()
        session.close()
        Database.engine().dispose()


def child(instance: Path, url: str, fmt: str) -> None:
    """Run one export in this (fresh) process and print its figures as JSON."""
    app = _app(instance, url)
    client = app.test_client()
    path = f"/donnees/initiative.{fmt}"
    warm = client.get(path, query_string={"since": "2999-01-01"})
    assert warm.status_code == 200, warm.status_code
    baseline = _status_kib("VmRSS")
    start = time.perf_counter()
    # A query string keeps the download streamed live (without, it is sent from the file generated once per
    # version, see wiki.exports.filecache): this measures the converters' streaming.
    response = client.get(path, query_string={"flux": "direct"}, buffered=False)
    assert response.status_code == 200, response.status_code
    size, first = 0, None
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    response.close()
    elapsed = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child
    # would report the parent's peak (the loader) instead of its own.
    peak = _status_kib("VmHWM")
    print(
        json.dumps(
            {
                "format": fmt,
                "seconds": elapsed,
                "bytes": size,
                "first_byte": first,
                "baseline_kib": baseline,
                "peak_kib": peak,
            }
        )
    )


def run(records: int, formats: list[str], work: Path, backend: str = "sqlite") -> list[dict]:
    """Build an instance of ``records`` records and export it in each format, one process each."""
    instance = work / f"instance-{backend}-{records}"
    instance.mkdir()
    server = None
    if backend == "postgresql":
        from tests.support.postgres import PostgresServer

        server = PostgresServer(work / f"pg-{records}")
        server.start()
        url = server.create_database("lieudit_bench")
    else:
        url = f"sqlite:///{instance / 'lieudit.db'}"
    try:
        return _measure(records, formats, instance, url, backend)
    finally:
        if server is not None:
            server.stop()


def _measure(records: int, formats: list[str], instance: Path, url: str, backend: str) -> list[dict]:
    started = time.perf_counter()
    build(instance, url, records)
    print(f"# {backend}: {records:,} records loaded in {time.perf_counter() - started:.1f} s", flush=True)
    results = []
    for fmt in formats:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(instance), url, fmt],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1]) | {"records": records}
        results.append(result)
        print(f"{records:>8,} {fmt:<12} {result['seconds']:7.1f} s {records / result['seconds']:>9,.0f} rec/s {result['bytes'] / 1e6:8.1f} MB "
              f"first byte {result['first_byte'] * 1000:7.0f} ms  peak RSS {result['peak_kib'] / 1024:6.1f} MiB "
              f"(+{(result['peak_kib'] - result['baseline_kib']) / 1024:.1f} over warm-up)", flush=True)  # fmt: skip
    return results


def _get(port: int, path: str) -> tuple[int, int, float]:
    """GET ``path`` from 127.0.0.1:``port`` to the end; return the status, the body's size and the seconds taken."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, size, time.perf_counter() - start
    finally:
        conn.close()


def wave(port: int, downloads: int, path: str, page: str = "/") -> dict:
    """Ask ``path`` ``downloads`` times at once while one visitor reads ``page`` in a loop; return the figures."""
    views: list[tuple[float, float]] = []
    done = threading.Event()

    def _visitor() -> None:
        while not done.is_set():
            started = time.perf_counter()
            status, _, seconds = _get(port, page)
            views.append((started, seconds if status == 200 else float("inf")))
            time.sleep(0.05)

    results: list[tuple[int, int, float]] = []
    barrier = threading.Barrier(downloads)

    def _download() -> None:
        barrier.wait()
        results.append(_get(port, path))

    visitor = threading.Thread(target=_visitor)
    visitor.start()
    time.sleep(0.5)
    start = time.perf_counter()
    threads = [threading.Thread(target=_download) for _ in range(downloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    done.set()
    visitor.join()
    # Every view that overlapped the wave (one that waited through all of it too).
    during = sorted(seconds for started, seconds in views if started + seconds >= start and started <= start + wall)
    p99 = during[min(len(during) - 1, int(len(during) * 0.99))] if during else float("nan")
    statuses = Counter(status for status, _, _ in results)
    return {"wall": wall, "statuses": dict(statuses), "per_second": statuses.get(200, 0) / wall,
            "bytes": max((size for status, size, _ in results if status == 200), default=0),
            "views": len(during), "view_median": statistics.median(during) if during else float("nan"),
            "view_p99": p99, "view_max": during[-1] if during else float("nan")}  # fmt: skip


def concurrent(records: int, downloads: int, fmt: str, before: Path | None, work: Path) -> None:
    """Serve one instance with each checkout in turn under gunicorn and run two waves of downloads against it."""
    import harness  # bench/harness.py, next to this script

    instance = work / "instance"
    instance.mkdir()
    url = f"sqlite:///{instance / 'lieudit.db'}"
    build(instance, url, records)
    env = {"LIEUDIT_INSTANCE_PATH": str(instance), "LIEUDIT_DATABASE_URL": url, "LIEUDIT_SECRET_KEY": "bench",
           "LIEUDIT_EXPENSIVE_PER_CLIENT": "0"}  # fmt: skip
    print(f"# {records:,} records, {downloads} simultaneous /donnees/initiative.{fmt}, gunicorn 4 sync workers")
    for label, tree in ([("before", before)] if before else []) + [("after", ROOT)]:
        shutil.rmtree(instance / "exports", ignore_errors=True)
        server = harness.GunicornServer("wiki:create_app()", harness.free_port(), 4, cwd=str(tree), env=env,
                                        log_path=str(work / f"{label}.log"))  # fmt: skip
        server.start("/-/health", timeout=120)
        try:
            for name in ("first wave", "second wave"):
                cpu, load = harness.group_cpu_seconds(server.pgid), os.getloadavg()[0]
                r = wave(server.port, downloads, f"/donnees/initiative.{fmt}")
                cpu = harness.group_cpu_seconds(server.pgid) - cpu
                print(f"{label:<6} {name:<11} page view median {r['view_median'] * 1000:6.0f} ms  p99 {r['view_p99'] * 1000:6.0f} ms  "
                      f"max {r['view_max'] * 1000:6.0f} ms ({r['views']} views) | downloads {r['statuses']} in {r['wall']:5.1f} s, "
                      f"{r['per_second']:5.2f}/s, {r['bytes'] / 1e6:.1f} MB each | server CPU {cpu:5.1f} s | load {load:.1f}",
                      flush=True)  # fmt: skip
        finally:
            server.stop()


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument(
        "--also", type=int, default=0, help="also run with this many records first (memory must not grow with size)"
    )
    parser.add_argument("--formats", default="csv,tableur.csv,json,ods,xlsx")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a throwaway server started by tests.support.postgres",
    )
    parser.add_argument("--concurrent", type=int, default=0, metavar="N",
                        help="N simultaneous downloads against gunicorn while page views are measured")  # fmt: skip
    parser.add_argument("--before", type=Path, help="with --concurrent: another checkout to measure first")
    parser.add_argument("--child", nargs=3, metavar=("INSTANCE", "URL", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], args.child[2])
        return
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory(prefix="lieudit-bench-exports-") as work:
        os.environ.pop("LIEUDIT_DATABASE_URL", None)
        if args.concurrent:
            concurrent(args.records, args.concurrent, formats[0], args.before, Path(work))
            return
        for count in ([args.also] if args.also else []) + [args.records]:
            run(count, formats, Path(work), args.backend)


if __name__ == "__main__":
    main()
