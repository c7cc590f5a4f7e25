"""Concurrent editors for ``compare.py``: each opens the editor, changes its own line, saves; POSTs timed one by one.

wrk cannot chain "open the editor, read its base revision, post" nor time
the POSTs apart, and a save posted on a stale base is (rightly) merged or
refused as a conflict. So N threads, each with its own keep-alive
connection, loop until the time is up: ``GET /pages/SLUG/edit`` (the form
with the current text and base revision), replace line ``10 × (n + 1)`` of
the text (a line of their own: edits of different lines merge, none
conflict), ``POST`` it. The result has the shape of ``harness.parse_wrk``'s
(``rps`` is saves answered per second; latencies are the POSTs'), plus every
status seen. The peer has no base revision: ``post_only`` posts a fixed text
with a unique line, as a client that never reloads would.
"""

from __future__ import annotations

import html
import http.client
import re
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from typing import Any

_BASE = re.compile(r'name="base_revision_id" value="(\d+)"')
_TEXT = re.compile(r"<textarea[^>]*>\n?(.*?)</textarea>", re.S)


def _percentile(values: list[float], pct: float) -> float | None:
    """Return the ``pct`` percentile (nearest rank) of ``values``."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def run(
    port: int,
    path: str,
    *,
    cookie: str,
    fields: str,
    clients: int,
    seconds: float,
    editor: str = "",
) -> dict[str, Any]:
    """Save for ``seconds`` with ``clients`` threads; return the figures.

    :param fields: the urlencoded fields every POST carries (CSRF, form guard); ``{uniq}`` is filled per save.
    :param editor: the editor's path (Lieudit): fetched before each save for the base and the text; empty for
        a client that posts ``fields`` alone.
    """
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        count = 0
        while time.monotonic() < deadline:
            count += 1
            uniq = f"c{number}-n{count}"
            try:
                body = fields.replace("{uniq}", uniq)
                if editor:
                    conn.request("GET", editor, headers={"Cookie": cookie})
                    page = conn.getresponse().read().decode()
                    base, text = _BASE.search(page), _TEXT.search(page)
                    if base is None or text is None:
                        raise ValueError("no editor form")
                    lines = html.unescape(text.group(1)).split("\n")
                    lines[min(len(lines) - 1, 10 * (number + 1))] = f"Modifié par le client {number} : {uniq}"
                    body += f"&base_revision_id={base.group(1)}&body=" + urllib.parse.quote_plus("\n".join(lines))
                started = time.perf_counter()
                conn.request("POST", path, body=body.encode(), headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] += 1
            except (OSError, http.client.HTTPException, ValueError) as err:
                with lock:
                    failures[type(err).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    answered = sum(statuses.values())
    errors = sum(count for status, count in statuses.items() if status >= 400)
    return {
        "rps": round((answered - errors) / elapsed, 1),
        "requests": answered,
        "p50_ms": _percentile(latencies, 50),
        "p75_ms": _percentile(latencies, 75),
        "p90_ms": _percentile(latencies, 90),
        "p99_ms": _percentile(latencies, 99),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "non_2xx_3xx": errors,
        "socket_errors": sum(failures.values()),
        "statuses": dict(statuses),
    }
