"""In-process server time of record URLs, shared by ``records_list.py`` and ``api.py``.

- ``time_url``: per URL, untimed warm-up requests then timed ones with the
  Flask test client (``time.perf_counter`` around ``client.get``):
  p50/p95/p99/max/mean, the CPU time per request of this process plus the
  PostgreSQL server (``CPUMeter``) and the share of the machine other
  processes took meanwhile, the SQL statements per request
  (``sql_counter.SQLCounter``) and their database time replayed
  (``replay``: execute *and* fetch), and the response size.
- ``time_list_records``: ``queries.list_records`` alone (no view, no template).
- ``profile_url``: a cProfile of N requests.
- ``print_summary``: each backend's worst p95 against the target.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from harness import system_cpu_seconds
from harness import tree_cpu_seconds
from sql_counter import SQLCounter

REPO = Path(__file__).resolve().parent.parent


class CPUMeter:
    """CPU time of this process, of the PostgreSQL server (if any) and of the whole machine, from ``/proc``."""

    def __init__(self, postmaster_pid_file: Path | None = None) -> None:
        """Remember where to find the server's processes."""
        self.pid_file = postmaster_pid_file

    def server_seconds(self) -> float:
        """Return the CPU seconds used so far by the postmaster and its live children."""
        if self.pid_file is None:
            return 0.0
        try:
            root = int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        return tree_cpu_seconds(root)

    def snapshot(self) -> tuple[float, float, float, float]:
        """Return (own, server, machine busy, machine total) CPU seconds."""
        times = os.times()
        busy, total = system_cpu_seconds()
        return times.user + times.system, self.server_seconds(), busy, total

    @staticmethod
    def delta(before: tuple[float, float, float, float], after: tuple[float, float, float, float]) -> dict[str, float]:
        """Return the CPU used between two snapshots: ours (app + server) and the other processes' share."""
        own, server, busy, total = (b - a for a, b in zip(before, after, strict=True))
        others = max(0.0, busy - own - server)
        return {"app_cpu_s": own, "server_cpu_s": server, "others_share": others / total if total else 0.0}


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


def print_summary(worst: dict[str, tuple[str, dict[str, Any]]], target_ms: float) -> None:
    """Print, for each backend, its worst URL's p95 and whether it meets ``target_ms``."""
    print("\n## Summary\n")
    for backend, (label, r) in worst.items():
        print(
            f"- {backend}: worst p95 {r['p95']:.1f} ms ({label}) → {'PASS' if r['p95'] < target_ms else 'FAIL'} (target < {target_ms:.0f} ms)"
        )
