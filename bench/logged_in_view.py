"""CPU time and SQL statements of a logged-in page view, in-process (issue 19).

Builds the demo territory in a throwaway instance (``lieudit init --demo``),
creates an account, logs in through the form with its CSRF token, then for
each URL given: counts the SQL statements of one view, and times batches of
views with the test client by **process CPU time** (``time.process_time``),
which the load of a shared machine disturbs far less than wall time. Prints
the minimum and median of the batches, and with ``--profile`` a cProfile of
the views. To compare two commits, run it with ``PYTHONPATH`` pointing at an
extracted tree (``git archive REV | tar -x -C DIR``) and then without.

    .venv/bin/python bench/logged_in_view.py /pages/redon /pages/a-propos --runs 5 --views 300
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PASSWORD = "motdepasse-solide"


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="*", default=["/pages/redon", "/pages/a-propos"])
    parser.add_argument("--runs", type=int, default=5, help="batches per URL")
    parser.add_argument("--views", type=int, default=300, help="views per batch")
    parser.add_argument("--lang", default="", help="send this lang cookie (fr, en)")
    parser.add_argument("--role", default="user", help="role of the account (user, moderator, admin)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the views")
    parser.add_argument("--sql", action="store_true", help="print the statements of one view")
    parser.add_argument("--instance", default="", help="use this instance folder (else a new demo)")
    return parser.parse_args()


def demo_instance() -> str:
    """Create a demo instance in a temporary folder and return its path."""
    path = tempfile.mkdtemp(prefix="lieudit-loggedin-")
    env = {**os.environ, "LIEUDIT_INSTANCE_PATH": path}
    code = "import sys; from wiki.cli import main; sys.argv = ['lieudit', 'init', '--demo']; main()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return path


def logged_in_client(app: Any, role: str) -> Any:
    """Create the account ``Sondeur`` with ``role`` and return a test client logged in as it."""
    from wiki.auth import services
    from wiki.db import Database

    with app.app_context():
        db = Database.new_session(app)
        user = services.find_user(db, "Sondeur") or services.create_user(db, name="Sondeur", password=PASSWORD)
        user.role = role
        db.commit()
        db.close()
    client = app.test_client()
    form = client.get("/-/connexion").get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert found is not None, "no CSRF token on the login form"
    answer = client.post("/-/connexion", data={"name": "Sondeur", "password": PASSWORD, "csrf_token": found[1]})
    assert answer.status_code == 302, f"login refused ({answer.status_code})"
    return client


def statements_of(app: Any, client: Any, url: str) -> list[str]:
    """The SQL statements one view of ``url`` sends."""
    from sqlalchemy import event

    from wiki.db import Database

    with app.app_context():
        engine = Database.engine()
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def cpu_ms_per_view(client: Any, url: str, runs: int, views: int) -> list[float]:
    """Process CPU milliseconds per view, one figure per batch."""
    batches = []
    for _ in range(runs):
        start = time.process_time()
        for _ in range(views):
            client.get(url)
        batches.append((time.process_time() - start) / views * 1000)
    return batches


def main() -> None:
    """Measure every URL and print one line each."""
    args = parse_args()
    instance = args.instance or demo_instance()
    os.environ["LIEUDIT_INSTANCE_PATH"] = instance
    from wiki import create_app

    app = create_app({"SEARCH_INDEX_IN_BACKGROUND": False, "FORM_MIN_SECONDS": 0})
    client = logged_in_client(app, args.role)
    if args.lang:
        client.set_cookie("lang", args.lang)
    print(f"# wiki from {Path(sys.modules['wiki'].__file__ or '').parent}, instance {instance}")
    print(f"# load {os.getloadavg()}")
    for url in args.urls:
        first = client.get(url)
        assert first.status_code == 200, f"{url}: {first.status_code}"
        statements = statements_of(app, client, url)
        batches = cpu_ms_per_view(client, url, args.runs, args.views)
        print(
            f"{url}: {len(statements)} statements, CPU ms/view min {min(batches):.2f} "
            f"median {statistics.median(batches):.2f} ({', '.join(f'{b:.2f}' for b in batches)})"
        )
        if args.sql:
            for statement in statements:
                print("   ", statement[:200])
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.views):
            client.get(args.urls[0])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    print(f"# load {os.getloadavg()}")


if __name__ == "__main__":
    main()
