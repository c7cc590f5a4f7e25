"""The in-process half of ``page_view.py``: SQL statements per view and timings with the test client.

``in_process_checks`` counts the SQL statements of one anonymous view of every
demo page (cold and warm render cache, and the 304 answer) with SQLAlchemy's
``before_cursor_execute`` event (``sql_counter.SQLCounter``), to show that no
statement repeats per link, backlink or record ("no N+1"); times the views,
the bare Flask reference and the uncached Markdown rendering without HTTP
(``per_call_ms``); and, when asked, profiles warm views with cProfile.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sql_counter import SQLCounter

BENCH = Path(__file__).resolve().parent


def per_call_ms(fn: Any, n: int = 100, repeats: int = 5) -> float:
    """Median over ``repeats`` batches of the mean wall time of ``fn()``, in ms."""
    fn()
    batches = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        batches.append((time.perf_counter() - start) / n * 1000)
    return statistics.median(batches)


def in_process_checks(slug: str, profile: int) -> dict[str, Any]:
    """Count SQL per view for every demo page and time views in-process."""
    from sqlalchemy.engine import Engine

    from wiki import create_app
    from wiki import markup
    from wiki.demo import PAGES_DIR

    counter = SQLCounter(Engine, keep=True)
    app = create_app()
    client = app.test_client(use_cookies=False)  # like wrk: no cookies, no Accept-Language

    per_page = []
    for md in sorted(PAGES_DIR.glob("*.md")):
        path = f"/pages/{md.stem}"
        cold, _, first = counter.run(client.get, path)
        if first.status_code != 200:
            continue
        warm, statements, response = counter.run(client.get, path)
        etag = response.headers.get("ETag")
        not_modified = status_304 = None
        if etag:
            not_modified, _, answer = counter.run(client.get, path, headers={"If-None-Match": etag})
            status_304 = answer.status_code
        links = len(re.findall(r'class="wikilink', response.get_data(as_text=True)))
        per_page.append(
            {
                "slug": md.stem,
                "links": links,
                "sql_cold": cold,
                "sql_warm": warm,
                "etag": bool(etag),
                "sql_304": not_modified,
                "status_304": status_304,
                "statements": statements,
                # N+1 shows as one statement text repeated once per link, backlink or record.
                "max_repeats": max(Counter(statements).values(), default=0),
            }
        )

    counter.close()
    with app.app_context():
        from wiki.db import get_session
        from wiki.pages import services

        db = get_session()
        for row in per_page:
            row["backlinks"] = len(services.backlinks(db, services.find_page(db, row["slug"])))
        target = next((p for p in per_page if p["slug"] == slug), None)
        if target is None:
            sys.exit(f"/pages/{slug} is not a demo page")
        body = services.find_page(db, slug).current_revision.body

    etag = client.get(f"/pages/{slug}").headers.get("ETag", "")
    sys.path.insert(0, str(BENCH))
    import hello_app

    hello = hello_app.app.test_client()
    timings = {
        "lieudit view": per_call_ms(lambda: client.get(f"/pages/{slug}")),
        "lieudit 304": per_call_ms(lambda: client.get(f"/pages/{slug}", headers={"If-None-Match": etag})),
        "lieudit home": per_call_ms(lambda: client.get("/")),
        "lieudit health": per_call_ms(lambda: client.get("/-/health")),
        "flask /tpl": per_call_ms(lambda: hello.get("/tpl")),
    }
    # What the per-revision cache saves on every view: the Markdown pipeline.
    timings["markdown render (uncached)"] = per_call_ms(lambda: markup.render(body), n=10)
    target["markdown_chars"] = len(body)

    profile_text = ""
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(profile):
            client.get(f"/pages/{slug}")
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(30)
        profile_text = out.getvalue()
    return {"per_page": per_page, "target": target, "timings_ms": timings, "profile": profile_text}
