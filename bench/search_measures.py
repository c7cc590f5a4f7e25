"""The measurements of ``search.py``, besides the rebuild itself.

- ``index_size``: the index on disk (Whoosh folder, or
  ``pg_total_relation_size('search_documents')``).
- ``http_queries``: ``GET /api/v1/search?q=…`` one request at a time, p50/p99
  of the whole request and the server's CPU per request; ``served_queries``:
  the same against a gunicorn started on the instance, after a warm-up.
- ``save_to_searchable``: a page created and committed, then searched for
  until found.
- ``fts5_reference``: the same documents in one SQLite FTS5 table and the same
  queries, in-process: the reference.
- ``cpu_seconds``: CPU of this process and its finished children (the
  rebuild's writer processes).
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import statistics
import time
import urllib.parse
from pathlib import Path
from typing import Any

from harness import GunicornServer
from harness import free_port
from harness import group_cpu_seconds
from harness import http_get
from search_data import corpus


def index_size(app: Any) -> int:
    """Bytes of the index on disk."""
    from wiki.db import Database
    from wiki.search import get_backend

    backend = get_backend(app)
    if backend.name == "postgres":
        with Database.engine(app).connect() as conn:
            return int(conn.exec_driver_sql("SELECT pg_total_relation_size('search_documents')").scalar())
    real = Path(os.path.realpath(Path(app.instance_path) / "index"))
    return sum(f.stat().st_size for f in real.rglob("*") if f.is_file())


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    """p50, p99, mean and max, in milliseconds."""
    return {
        "p50": round(percentile(values, 50), 2),
        "p99": round(percentile(values, 99), 2),
        "mean": round(statistics.fmean(values), 2),
        "max": round(max(values), 2),
    }


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the rebuild's writer processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def http_queries(port: int, queries: list[str], pgid: int | None = None) -> tuple[dict[str, float], float]:
    """Time ``GET /api/v1/search?q=…`` one at a time; return the summary (with the server's
    CPU milliseconds per request, load-independent) and the mean hit count."""
    times, totals = [], []
    cpu_before = group_cpu_seconds(pgid) if pgid else 0.0
    for text in queries:
        path = "/api/v1/search?" + urllib.parse.urlencode({"q": text})
        started = time.perf_counter()
        status, _headers, body = http_get(port, path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        totals.append(json.loads(body)["total"])
    result = summary(times)
    if pgid:
        result["server_cpu_ms"] = round((group_cpu_seconds(pgid) - cpu_before) * 1000 / len(queries), 2)
    return result, statistics.fmean(totals)


def served_queries(
    app: Any, url: str, engine_name: str, singles: list[str], phrases: list[str], workers: int, log_path: Path
) -> tuple[tuple[dict[str, float], float], tuple[dict[str, float], float]]:
    """Serve the instance with gunicorn, warm it up, then time the single words and the phrases over HTTP."""
    port = free_port()
    env = {
        "LIEUDIT_DATABASE_URL": url,
        "LIEUDIT_INSTANCE_PATH": app.instance_path,
        "LIEUDIT_SECRET_KEY": "bench",
        "LIEUDIT_SEARCH_BACKEND": engine_name,
    }
    root = str(Path(__file__).resolve().parents[1])
    server = GunicornServer("wiki:create_app()", port, workers=workers, cwd=root, env=env, log_path=str(log_path))
    with server.start(ready_path="/-/health"):
        http_queries(port, singles[:20])  # warm-up: imports, searchers, caches
        single = http_queries(port, singles, server.pgid)
        phrase = http_queries(port, phrases, server.pgid)
    server.stop()
    return single, phrase


def save_to_searchable(app: Any, count: int) -> dict[str, float]:
    """Create and commit a page, then search until found: milliseconds from commit to found."""
    from wiki.auth.services import Anonymous
    from wiki.db import Database
    from wiki.pages import services as pages
    from wiki.search import get_backend
    from wiki.search.backend import Query

    backend = get_backend(app)
    times = []
    for number in range(count):
        word = f"zqxbench{number:05d}".replace("0", "o")
        with app.app_context():
            session = Database.new_session(app)
            pages.create_page(
                session,
                title=f"Sauvegarde {word}",
                body=f"Texte {word} à trouver.\n",
                comment="",
                actor=Anonymous(),
                policy="open",
            )
            started = time.perf_counter()
            session.commit()
            while backend.search(Query(text=word)).total == 0:
                if time.perf_counter() - started > 10:
                    raise RuntimeError(f"page {word} not searchable after 10 s")
                time.sleep(0.001)
            times.append((time.perf_counter() - started) * 1000)
            session.close()
    return summary(times)


def fts5_reference(count: int, singles: list[str], phrases: list[str], tmp: Path) -> dict[str, Any]:
    """The same documents in one SQLite FTS5 table; the same queries in-process."""
    path = tmp / "fts5.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", ((n + 1, t, b) for n, t, b in corpus(count))
        )
    elapsed = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint")
    sql = (
        "SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', ' … ', 30) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs, 3.0, 1.0) LIMIT 20"
    )
    out: dict[str, Any] = {
        "docs": count,
        "index_seconds": round(elapsed, 1),
        "docs_per_second": round(count / elapsed),
        "size_bytes": path.stat().st_size,
    }
    for name, queries in (("single", singles), ("phrase", phrases)):
        times = []
        for text in queries:
            fts = '"' + text.strip('"').replace('"', "") + '"'
            started = time.perf_counter()
            conn.execute(sql, (fts,)).fetchall()
            conn.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (fts,)).fetchone()
            times.append((time.perf_counter() - started) * 1000)
        out[name] = summary(times)
    conn.close()
    return out
