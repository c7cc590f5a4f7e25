"""Reads and hostile clients against a real instance (HOSTILE_INPUTS G8, issue 17 items 1 and 3).

```sh
.venv/bin/python bench/reliability_reads.py                     # all three parts, G8 for 2 min
.venv/bin/python bench/reliability_reads.py --only g8 --g8-seconds 900   # G8 at its full 15 minutes
```

One demo instance (``lieudit init --demo``, SQLite, default settings except
the anti-spam fill time and the newcomers' save limit) served by ``gunicorn -w 4`` on 127.0.0.1. Requests
are paced (open loop: request *i* is due at start + i / rate, whatever the
answers before it), so a stall shows as latency, not as a lower rate.

- **G8**, mixed anonymous reads at ``--rate`` per second for ``--g8-seconds``:
  demo pages (60 %), the map's GeoJSON (15 %), the agenda (10 %), the API's
  initiative list (15 %): p50/p99 per kind, errors.
- **Item 1**, a slow client: an API ``PUT`` whose body comes one byte every
  0.25 s (about 20 s), while three others log in and save pages: their
  failures and latency, against the same work without the slow client.
- **Item 3**, four anonymous diffs in parallel between the two revisions of a
  480,000-line page, looping, while page views are paced at 10 per second:
  the views' p50/p99 and errors, against the views alone; the diffs' answers.
- **G10**, the same with four logged-in editors looping previews of a text
  that exhausts the render budget (``"*_"`` × 490,000, 980 kB).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from live_site import Client  # noqa: E402
from live_site import Site  # noqa: E402
from live_site import load_line  # noqa: E402
from live_site import pct  # noqa: E402

from bench.run_context import start_run  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402

HUGE = "enorme"


def paced(port: int, pick: Callable[[int], str], rate: float, seconds: float, threads: int = 16) -> dict[str, Any]:
    """GET ``pick(i)`` at ``rate`` per second for ``seconds``; return latencies and statuses per kind."""
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter[int]] = defaultdict(Counter)
    lock, counter = threading.Lock(), iter(range(10**9))
    start = time.monotonic() + 0.5
    late: list[float] = []

    def worker() -> None:
        client = Client(port, timeout=30)
        while True:
            with lock:
                i = next(counter)
            due = start + i / rate
            if due > start + seconds:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            path = pick(i)
            kind = path.split("?")[0].rsplit("/", 1)[0] or path
            try:
                status, _, _, took = client.request("GET", path)
            except Exception as err:  # noqa: BLE001 - a failed request is a figure
                status, took = 599, 0.0
                kind += f" ({type(err).__name__})"
            with lock:
                late.append(max(0.0, time.monotonic() - due) * 1000 - took)
                statuses[kind][status] += 1
                if status < 400:
                    latencies[kind].append(took)
        client.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    every = [v for values in latencies.values() for v in values]
    total = sum(sum(c.values()) for c in statuses.values())
    errors = sum(n for c in statuses.values() for s, n in c.items() if s >= 400)
    return {
        "requests": total,
        "error rate": round(errors / max(1, total), 4),
        "p50/p99 ms": (round(pct(every, 50) or 0, 1), round(pct(every, 99) or 0, 1)),
        "max ms": round(max(every, default=0), 1),
        "per kind (n, p50, p99 ms, statuses)": {
            kind: (len(v), round(pct(v, 50) or 0, 1), round(pct(v, 99) or 0, 1), dict(statuses[kind]))
            for kind, v in sorted(latencies.items())
        },
        "client lag p99 ms (a request sent late by the bench itself)": round(pct(late, 99) or 0, 1),
        "load": load_line(),
    }


def g8(site: Site, rate: float, seconds: float) -> dict[str, Any]:
    """Mixed anonymous reads at ``rate`` per second."""
    slugs = [row[0] for row in site.sql("SELECT slug FROM pages WHERE deleted_at IS NULL AND slug != ?", HUGE)]
    features = len(json.loads(Client(site.port).request("GET", "/carte/calque.geojson")[2]).get("features", []))

    def pick(i: int) -> str:
        slot = i % 20
        if slot < 12:
            return f"/pages/{slugs[i % len(slugs)]}"
        if slot < 15:
            return "/carte/calque.geojson"
        if slot < 17:
            return "/agenda"
        return f"/api/v1/forms/initiative/records?page={1 + i % 3}"

    return {"pages": len(slugs), "map features": features, **paced(site.port, pick, rate, seconds)}


def _slow_put(port: int, token: str, delay: float, answer: dict[str, Any]) -> None:
    """PUT a page through the API, its body one byte every ``delay`` s."""
    body = json.dumps({"text": "Écrite lentement.\n"}).encode() + b" " * 50
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        head = (f"PUT /api/v1/pages/page-lente HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")  # fmt: skip
        sock.sendall(head.encode())
        for byte in body:
            sock.sendall(bytes([byte]))
            time.sleep(delay)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    answer.update(status=int(received.split(b" ", 2)[1]), seconds=round(time.monotonic() - started, 1))


def _others(site: Site, stop: threading.Event, number: int, figures: dict[str, list[Any]]) -> None:
    """Log in and save one's page in a loop until ``stop``; keep each answer's kind, status and time."""
    count = 0
    while not stop.is_set():
        count += 1
        client = Client(site.port, timeout=30)
        try:
            fields = client.form("/-/connexion") | {"name": f"Autre {number}", "password": PASSWORD}
            status, _, _, took = client.post_form("/-/connexion", fields)
            figures["login"].append((status, took))
            fields, text = client.editor(f"page-de-{number}")
            body = text + f"Ajout {count}.\n"
            status, _, _, took = client.post_form(f"/pages/page-de-{number}/edit", fields | {"body": body})
            figures["save"].append((status, took))
        except Exception as err:  # noqa: BLE001
            figures["broken"].append((type(err).__name__, 0.0))
        client.close()


def slow_client(site: Site, delay: float) -> dict[str, Any]:
    """Item 1: the others' answers without, then with, a slow API body."""
    token = site.lieudit("token", "create", "Lente").stdout.split()[0]
    report: dict[str, Any] = {}
    for label in ("alone", "beside the slow client"):
        figures: dict[str, list[Any]] = defaultdict(list)
        stop, answer = threading.Event(), dict[str, Any]()
        others = [threading.Thread(target=_others, args=(site, stop, n, figures)) for n in range(3)]
        for thread in others:
            thread.start()
        if label == "alone":
            time.sleep(15)
        else:
            _slow_put(site.port, token, delay, answer)
        stop.set()
        for thread in others:
            thread.join()
        row: dict[str, Any] = {"slow client": answer or "none"}
        for kind in ("login", "save"):
            times = [t for s, t in figures[kind] if s < 400]
            row[kind] = {"n": len(figures[kind]), "statuses": dict(Counter(s for s, _ in figures[kind])),
                         "p50/p99/max ms": tuple(round(x or 0) for x in (pct(times, 50), pct(times, 99), max(times, default=0)))}  # fmt: skip
        row["broken connections"] = len(figures["broken"])
        row["load"] = load_line()
        report[label] = row
    return report


def beside(
    site: Site, seconds: float, label: str, hostile: Callable[[Client], tuple[int, str, float]]
) -> dict[str, Any]:
    """Page views paced at 10/s alone, then beside four clients looping ``hostile``; its answers too."""
    slugs = [row[0] for row in site.sql("SELECT slug FROM pages WHERE deleted_at IS NULL AND slug != ?", HUGE)]

    def view(i: int) -> str:
        return f"/pages/{slugs[i % len(slugs)]}"

    report: dict[str, Any] = {"views alone": paced(site.port, view, 10, seconds, threads=8)}
    stop, answers = threading.Event(), Counter[str]()
    times: list[float] = []

    def loop() -> None:
        client = Client(site.port, timeout=60)
        while not stop.is_set():
            try:
                status, size, took = hostile(client)
                answers[f"{status}, {size}"] += 1
                times.append(took)
            except Exception as err:  # noqa: BLE001
                answers[f"{type(err).__name__}: {err}"[:80]] += 1

    pool = [threading.Thread(target=loop) for _ in range(4)]
    for thread in pool:
        thread.start()
    report[f"views beside 4 looping {label}"] = paced(site.port, view, 10, seconds, threads=8)
    stop.set()
    for thread in pool:
        thread.join()
    report[f"{label}: answers"] = dict(answers)
    report[f"{label}: p50/max ms"] = (round(pct(times, 50) or 0), round(max(times, default=0)))
    return report


def huge_diffs(site: Site, seconds: float) -> dict[str, Any]:
    """Item 3: anonymous diffs between the two revisions of a 480,000-line page."""

    def diff(client: Client) -> tuple[int, str, float]:
        status, _, text, took = client.request("GET", f"/pages/{HUGE}/diff?from=1&to=2")
        return status, f"{len(text) // 1000} kB", took

    return beside(site, seconds, "anonymous diffs", diff)


def hostile_previews(site: Site, seconds: float) -> dict[str, Any]:
    """G10: logged-in previews of a text that exhausts the render budget (``"*_"`` × 490,000)."""
    names = iter(f"Autre {n % 3}" for n in range(4))  # three accounts: two clients share one
    lock = threading.Lock()
    text = urllib.parse.quote_plus("*_" * 490_000)  # encoded once: the bench's own CPU stays out of the views

    def preview(client: Client) -> tuple[int, str, float]:
        if not client.cookies:
            with lock:
                name = next(names, "Autre 0")
            client.login(name, PASSWORD)
        fields, _ = client.editor("page-de-0")
        body = f"{urllib.parse.urlencode(fields | {'action': 'preview'})}&body={text}".encode()
        status, _, answer, took = client.request(
            "POST", "/pages/page-de-0/edit", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return status, f"{len(answer) // 1000} kB", took  # 400: refused, the text given back

    return beside(site, seconds, "hostile previews", preview)


def _add_huge_page(site: Site) -> None:
    """A page of 480,000 lines with a second revision that changes every line (written in-process)."""
    from wiki import create_app
    from wiki.db import Database
    from wiki.pages import services
    from wiki.pages.models import Page

    app = create_app({"INSTANCE_PATH": str(site.instance), "SEARCH_INDEX_IN_BACKGROUND": False})
    try:
        with Database.new_session(app) as db:
            page = db.query(Page).filter_by(slug=HUGE).one()
            actor = page.current_revision.author if page.current_revision else None
            services.save_page(db, page, body="b\n=\n" * 240_000, comment="", actor=actor,
                               base_revision_id=page.current_revision_id, policy="account")  # fmt: skip
            db.commit()
    finally:
        app.extensions["lieudit.search"].close()
        Database.engine(app).dispose()


def main() -> None:
    """Build the demo instance, run the parts asked, print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=("g8", "slow", "diffs", "previews"), help="repeatable")
    parser.add_argument("--rate", type=float, default=50.0, help="G8 requests per second (50)")
    parser.add_argument("--g8-seconds", type=float, default=120.0, help="G8 duration, s (120; the goal says 900)")
    parser.add_argument("--byte-delay", type=float, default=0.25, help="item 1: seconds between two bytes")
    parser.add_argument("--diff-seconds", type=float, default=30.0, help="items 3 and G10: each measure, s")
    args = parser.parse_args()
    start_run("reliability_reads", "reads and hostile clients (G8, items 1 and 3)")
    with tempfile.TemporaryDirectory(prefix="lieudit-reads-") as tmp:
        accounts = [("Lente", "contributor"), *((f"Autre {n}", "contributor") for n in range(3))]
        pages = [(f"Page de {n}", "Départ.\n") for n in range(3)] + [("Énorme", "a\n=\n" * 240_000)]
        # The three savers of item 1 save some 200 times in 40 s: a newcomer's save limit (30 per 10 min) is off.
        site = Site(Path(tmp) / "site", settings={"LIEUDIT_RATE_LIMIT_NEWCOMER": "0"}).create(
            accounts, pages, demo=True
        )
        _add_huge_page(site)
        site.start()
        try:
            parts: list[tuple[str, Callable[[], dict[str, Any]]]] = [
                ("g8", lambda: g8(site, args.rate, args.g8_seconds)),
                ("slow", lambda: slow_client(site, args.byte_delay)),
                ("diffs", lambda: huge_diffs(site, args.diff_seconds)),
                ("previews", lambda: hostile_previews(site, args.diff_seconds)),
            ]
            for name, part in parts:
                if not args.only or name in args.only:
                    print(f"\n## {name}\n" + json.dumps(part(), indent=1, ensure_ascii=False), flush=True)
        finally:
            site.stop()
        print(f"\n- gunicorn log: {site.log_problems()}")


if __name__ == "__main__":
    main()
