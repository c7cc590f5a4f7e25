"""Concurrent page saves against a real instance (HOSTILE_INPUTS G1 and G3).

```sh
.venv/bin/python bench/reliability_saves.py                      # G1 (50 × 20 saves) then G3 for 2 min
.venv/bin/python bench/reliability_saves.py --only g1 --editors 10 --saves 5   # a quick look
.venv/bin/python bench/reliability_saves.py --only g3 --g3-seconds 600         # G3 at its full 10 minutes
```

Each part builds a fresh instance (``lieudit init``, SQLite, default settings
except the anti-spam fill time) served by ``gunicorn -w 4`` on 127.0.0.1, with
contributor accounts logged in through the login form, all from one address.

- **G1**, no lost update on one page: every editor owns a line of one page of
  ``--editors`` lines plus a shared last line; in a loop of ``--saves`` it opens
  the editor (its base revision), changes its own line (and, every
  ``--shared-every`` saves, the shared line too: overlapping edits), posts,
  follows the redirect (where the "fusionnée" notice shows), then thinks
  0–``--think`` s. Checked: new revisions == 2xx saves; every non-2xx is 409 or
  412 with the posted text given back whole; own-line saves merged (a save on a
  stale base that went through) against own-line saves refused; 0 5xx; 0
  "database is locked" in the log; every accepted change is in a revision and
  each editor's last accepted line is in the final text.
- **G3**, many pages: ``--g3-editors`` editors, each on a page of its own,
  ``--rate`` saves per second together (each editor saves every
  editors/rate s, start times spread), for ``--g3-seconds``: conflicts, errors,
  p50/p95/p99 of the POSTs.
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import tempfile
import threading
import time
from collections import Counter
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

SLUG = "page-partagee"


def _own(number: int, tag: str) -> str:
    return f"Ligne de la personne {number} : {tag}"


def g1(folder: Path, editors: int, saves: int, think: float, shared_every: int) -> dict[str, Any]:
    """Run G1 and return its figures."""
    names = [f"Personne {n}" for n in range(editors)]
    text = "\n".join([*(_own(n, "départ") for n in range(editors)), "Ligne commune : départ"]) + "\n"
    site = Site(folder).create([(name, "contributor") for name in names], [("Page partagée", text)])
    revisions_before = site.sql("SELECT count(*) FROM page_revisions")[0][0]
    statuses: Counter[int] = Counter()
    tally: Counter[str] = Counter()
    accepted: list[str] = []
    last_own: dict[int, str] = {}
    latencies: list[float] = []
    lock = threading.Lock()

    def editor(number: int) -> None:
        client = Client(site.port)
        client.login(names[number], PASSWORD)
        rng = random.Random(number)
        for count in range(saves):
            tag = f"p{number}-s{count}"
            shared = shared_every > 0 and count % shared_every == shared_every - 1
            try:
                fields, current = client.editor(SLUG)
                lines = current.split("\n")
                lines[number] = _own(number, tag)
                if shared:
                    lines[editors] = f"Ligne commune : {tag}"
                body = "\n".join(lines)
                status, headers, answer, took = client.post_form(
                    f"/pages/{SLUG}/edit", fields | {"body": body, "comment": tag}
                )
                merged = False
                if status == 302:
                    merged = "fusionnée" in client.request("GET", headers["location"])[2]
            except Exception as err:  # noqa: BLE001 - a failed request is a figure, not a crash of the bench
                with lock:
                    tally[f"client error {type(err).__name__}"] += 1
                continue
            with lock:
                statuses[status] += 1
                latencies.append(took)
                kind = "shared" if shared else "own"
                if status == 302:
                    accepted.append(tag)
                    last_own[number] = tag
                    tally[f"{kind} accepted" + (", merged" if merged else "")] += 1
                else:
                    tally[f"{kind} refused {status}"] += 1
                    if body not in html.unescape(answer):
                        tally["refused without the text back"] += 1
            time.sleep(rng.uniform(0, think))
        client.close()

    site.start()
    started = time.monotonic()
    try:
        threads = [threading.Thread(target=editor, args=(n,)) for n in range(editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        elapsed = time.monotonic() - started
        site.stop()
    bodies = [row[0] for row in site.sql("SELECT body FROM page_revisions")]
    final = site.sql("SELECT r.body FROM pages p JOIN page_revisions r ON r.id = p.current_revision_id "
                     "WHERE p.slug = ?", SLUG)[0][0]  # fmt: skip
    everything = "\n".join(bodies)
    own_refused = sum(v for k, v in tally.items() if k.startswith("own refused"))
    return {
        "editors": editors,
        "saves each": saves,
        "seconds": round(elapsed, 1),
        "statuses": dict(sorted(statuses.items())),
        "tally": dict(sorted(tally.items())),
        "new revisions": len(bodies) - revisions_before,
        "2xx saves": statuses[302],
        "own-line saves merged": tally["own accepted, merged"],
        "own-line saves refused": own_refused,
        "merge ratio": round(tally["own accepted, merged"] / max(1, tally["own accepted, merged"] + own_refused), 3),
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "accepted changes missing from every revision": sum(1 for tag in accepted if f": {tag}\n" not in everything),
        "editors whose last accepted line is not in the final text": sum(
            1 for n, tag in last_own.items() if _own(n, tag) not in final
        ),
        "POST p50/p99 ms": (round(pct(latencies, 50) or 0), round(pct(latencies, 99) or 0)),
        "log": site.log_problems(),
        "load": load_line(),
    }


def g3(folder: Path, editors: int, rate: float, seconds: float) -> dict[str, Any]:
    """Run G3 and return its figures."""
    names = [f"Rédactrice {n}" for n in range(editors)]
    pages = [(f"Fiche {n}", "\n".join(f"Paragraphe {k} de la fiche {n}." for k in range(20)) + "\n")
             for n in range(editors)]  # fmt: skip
    site = Site(folder).create([(name, "contributor") for name in names], pages)
    statuses: Counter[int] = Counter()
    failures: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    period = editors / rate

    def editor(number: int, start: float) -> None:
        client = Client(site.port)
        client.login(names[number], PASSWORD)
        due, count = start + number / rate, 0
        while due < start + seconds:
            time.sleep(max(0.0, due - time.monotonic()))
            count += 1
            try:
                fields, current = client.editor(f"fiche-{number}")
                lines = current.split("\n")
                lines[count % 20] = f"Paragraphe revu par {number}, fois {count}."
                status, _, _, took = client.post_form(
                    f"/pages/fiche-{number}/edit", fields | {"body": "\n".join(lines), "comment": str(count)}
                )
            except Exception as err:  # noqa: BLE001 - a failed request is a figure
                with lock:
                    failures[type(err).__name__] += 1
            else:
                with lock:
                    statuses[status] += 1
                    latencies.append(took)
            due += period
        client.close()

    site.start()
    try:
        start = time.monotonic() + 5  # logins first, then the clock starts
        threads = [threading.Thread(target=editor, args=(n, start)) for n in range(editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    finally:
        site.stop()
    return {
        "editors": editors,
        "seconds": round(elapsed, 1),
        "saves per second": round(sum(statuses.values()) / elapsed, 2),
        "statuses": dict(sorted(statuses.items())),
        "client failures": dict(failures),
        "conflicts": statuses[409],
        "errors": sum(v for k, v in statuses.items() if k >= 400 and k != 409) + sum(failures.values()),
        "POST p50/p95/p99 ms": tuple(round(pct(latencies, p) or 0) for p in (50, 95, 99)),
        "log": site.log_problems(),
        "load": load_line(),
    }


def main() -> None:
    """Run the parts asked and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("g1", "g3"), help="one part only")
    parser.add_argument("--editors", type=int, default=50, help="G1 editors (50)")
    parser.add_argument("--saves", type=int, default=20, help="G1 saves per editor (20)")
    parser.add_argument("--think", type=float, default=2.0, help="G1 longest think time, s (2)")
    parser.add_argument("--shared-every", type=int, default=5, help="G1: every Nth save also edits the shared line")
    parser.add_argument("--g3-editors", type=int, default=100, help="G3 editors and pages (100)")
    parser.add_argument("--rate", type=float, default=5.0, help="G3 saves per second together (5)")
    parser.add_argument("--g3-seconds", type=float, default=120.0, help="G3 duration, s (120; the goal says 600)")
    args = parser.parse_args()
    start_run("reliability_saves", "concurrent saves (G1, G3)")
    with tempfile.TemporaryDirectory(prefix="lieudit-saves-") as tmp:
        if args.only in (None, "g1"):
            figures = g1(Path(tmp) / "g1", args.editors, args.saves, args.think, args.shared_every)
            print("\n## G1: one page, concurrent editors\n" + "\n".join(f"- {k}: {v}" for k, v in figures.items()))
        if args.only in (None, "g3"):
            figures = g3(Path(tmp) / "g3", args.g3_editors, args.rate, args.g3_seconds)
            print("\n## G3: one page each\n" + "\n".join(f"- {k}: {v}" for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()
