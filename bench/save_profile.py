"""In-process profile of a page save: SQL statements in order (where the write lock begins) and cProfile.

```sh
.venv/bin/python bench/save_profile.py              # 200 pages, 200 saves by a moderator
.venv/bin/python bench/save_profile.py --saves 500 --top 40 --sort tottime
.venv/bin/python bench/save_profile.py --profile get    # profile the editor GETs instead
.venv/bin/python bench/save_profile.py --history 10000  # the saved page has 10,000 revisions first
```

Logs in through the real form and posts the real editor form with the Flask
test client (no HTTP, one thread), on a fresh SQLite instance made by
``compare_setup.lieudit_instance``. Prints the statements of one save (the
first ``BEGIN`` says what kind of transaction the request took), the CPU of a
POST (its thread's, and the process's with the search indexer's thread) and of
the editor GET before it (medians, without the profiler) and the
cProfile of the POSTs (or of the GETs), by cumulative time (or ``--sort``).
Each save replaces one line of the text, as ``save_load.py`` does, so the
text keeps its size (about 9,000 characters: rendered in-process).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import compare_setup as setup  # noqa: E402
from sql_counter import SQLCounter  # noqa: E402

FORM = "application/x-www-form-urlencoded"


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden inputs of the page's forms."""
    return {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def add_history(app: Any, count: int) -> None:
    """Give the saved page ``count`` more revisions (bulk SQL), the last one current: a save must not grow with them."""
    from sqlalchemy import func
    from sqlalchemy import insert
    from sqlalchemy import select
    from sqlalchemy import update

    from wiki.db import Database
    from wiki.pages.models import Page
    from wiki.pages.models import PageRevision

    with Database.engine(app).begin() as conn:
        page = conn.execute(select(Page.id, Page.current_revision_id).where(Page.slug == setup.SAVE_SLUG)).one()
        first = conn.execute(select(PageRevision).where(PageRevision.id == page.current_revision_id)).one()
        next_id = (conn.scalar(select(func.max(PageRevision.id))) or 0) + 1
        rows = [
            {"id": next_id + n, "page_id": page.id, "parent_id": (next_id + n - 1) if n else first.id,
             "number": first.number + 1 + n, "title": first.title, "body": first.body, "comment": f"ancienne {n}",
             "action": "edit", "created_at": first.created_at, "size": first.size}
            for n in range(count)
        ]  # fmt: skip
        for start in range(0, count, 1000):
            conn.execute(insert(PageRevision), rows[start : start + 1000])
        conn.execute(update(Page).where(Page.id == page.id).values(current_revision_id=next_id + count - 1))


def main() -> None:
    """Build an instance, log in, save N times under the profiler, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--history", type=int, default=0, help="revisions added to the saved page's history first")
    parser.add_argument("--profile", choices=("post", "get"), default="post", help="requests profiled")
    args = parser.parse_args()
    from wiki import create_app
    from wiki.db import Database
    from wiki.markup.worker import POOL

    with tempfile.TemporaryDirectory(prefix="lieudit-save-", ignore_cleanup_errors=True) as tmp:
        inst = setup.lieudit_instance(Path(tmp), args.pages, 20)
        config = {key.removeprefix("LIEUDIT_"): value for key, value in inst.env.items()}
        app = create_app({**config, "FORM_MIN_SECONDS": 0})
        if args.history:
            add_history(app, args.history)
        client = app.test_client()
        form = hidden_fields(client.get("/-/connexion").get_data(as_text=True))
        client.post("/-/connexion", data={**form, "name": "banc", "password": setup.PASSWORD})
        # The request thread's CPU, not wall time: waits (fsync, the write lock, a loaded machine) and the
        # search indexer's thread stay out of the profile. Enabled for the POSTs only (or the GETs only).
        profile = cProfile.Profile(time.thread_time)
        spent: list[float] = []  # CPU of the request's thread
        spent_process: list[float] = []  # of the whole process: the search indexer's thread too
        opened: list[float] = []

        def save(n: int, profiled: bool = True) -> int:
            started = time.thread_time()
            if profiled and args.profile == "get":
                profile.enable()
            try:
                html = client.get(f"/pages/{setup.SAVE_SLUG}/edit").get_data(as_text=True)  # the current base
            finally:
                profile.disable()
                opened.append(time.thread_time() - started)
            form, body = hidden_fields(html), re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S)
            assert body is not None
            lines = unescape(body.group(1)).split("\n")
            lines[10] = f"Modifié {n}"  # one line changed: the text keeps its size, as in save_load.py
            fields = {**form, "comment": f"banc {n}", "body": "\n".join(lines)}
            data = urlencode(fields).encode()  # encoded here: the client's work stays out of the POST's CPU
            started, thread_started = time.process_time(), time.thread_time()
            if profiled and args.profile == "post":
                profile.enable()
            try:
                return client.post(f"/pages/{setup.SAVE_SLUG}/edit", data=data, content_type=FORM).status_code
            finally:
                profile.disable()
                spent.append(time.thread_time() - thread_started)
                spent_process.append(time.process_time() - started)

        counter = SQLCounter(Database.engine(app), keep=True)
        count, statements, status = counter.run(save, 0, False)
        print(f"# one save (the editor's statements first): HTTP {status}, {count} statements")
        for number, statement in enumerate(statements, 1):
            print(f"{number:3} {statement[:150]}")
        counter.close()
        unprofiled = [save(n, False) for n in range(1, 51)]
        cpu, get_cpu = sorted(spent[-50:])[25] * 1000, sorted(opened[-50:])[25] * 1000
        process_cpu = sorted(spent_process[-50:])[25] * 1000
        codes = [save(n) for n in range(51, args.saves + 51)]
        print(
            f"# CPU of a POST, median of 50 without the profiler: {cpu:.2f} ms in its thread, "
            f"{process_cpu:.2f} ms in the process (the search indexer's thread too); answers {set(unprofiled + codes)}"
        )
        print(f"# CPU of the editor GET before it (its thread), median of 50: {get_cpu:.2f} ms")
        print(f"# render processes started: {POOL.started}")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        app.extensions["lieudit.search"].close()


if __name__ == "__main__":
    main()
