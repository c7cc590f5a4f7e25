"""Hostile page texts of issue 17 (items 2 and 3): preview, save and diff, time and size of each answer.

Runs the app in-process (Flask test client, SQLite in a temporary folder) with its
default settings: RENDER_TIME_BUDGET 2 s, DIFF_COST_BUDGET 4,000,000. ``--before``
also times the bare renderer (``wiki.markup.render``, what previews and saves ran
unbounded before), each text in a subprocess killed after ``--timeout`` seconds.

    .venv/bin/python bench/hostile_render.py [--before] [--timeout 60]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: The inputs measured against a running instance in issue 17, at full size (under 1 MB each).
HOSTILE = {
    "setext": ("a\n=\n", 240_000),
    "footnotes": ("[^1]", 200_000),
    "emphasis": ("*_", 490_000),
    "divs": ("<div>\n", 160_000),
}


def _bare(name: str, timeout: float) -> str:
    unit, count = HOSTILE[name]
    code = "; ".join(
        [
            f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from wiki import markup",
            f"t = time.perf_counter(); out = markup.render({unit!r} * {count})",
            "print(f'{time.perf_counter() - t:.1f} s, {len(out.html):,} bytes of HTML')",
        ]
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s (killed)"
    return done.stdout.strip() or done.stderr.strip()[-200:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", action="store_true", help="also time the bare, unbounded renderer")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    from tests.conftest import base_config
    from tests.factories import PASSWORD
    from tests.factories import make_page
    from tests.factories import make_user
    from wiki import create_app
    from wiki.db import Database
    from wiki.pages import services

    folder = Path(tempfile.mkdtemp(prefix="lieudit-hostile-"))
    app = create_app(base_config(folder / "instance") | {"DATABASE_URL": f"sqlite:///{folder}/wiki.db"})
    created = app.test_cli_runner().invoke(args=["init"])
    assert created.exit_code == 0, created.output
    with Database.new_session(app) as db:
        make_user(db, "Camille")
        page = make_page(db, "Accueil", "Texte de départ.\n")
        db.commit()
        base = page.current_revision_id
    client = app.test_client()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})

    print("| text | bytes | bare renderer (before) | preview: status, time, answer | save: status, time |")
    print("|---|---|---|---|---|")
    for name, (unit, count) in HOSTILE.items():
        text = unit * count
        before = _bare(name, args.timeout) if args.before else "–"
        row = [name, f"{len(text.encode()):,}", before]
        for action in ("preview", "save"):
            start = time.perf_counter()
            answer = client.post("/pages/accueil/edit", data={"body": text, "base_revision_id": base, "action": action})
            took = time.perf_counter() - start
            size = f", {len(answer.data):,} bytes" if action == "preview" else ""
            row.append(f"{answer.status_code}, {took:.2f} s{size}")
        print("| " + " | ".join(row) + " |", flush=True)

    # Item 3: an anonymous diff between two revisions of such a page.
    old, new = "a\n=\n" * 240_000, "b\n=\n" * 240_000
    with Database.new_session(app) as db:
        huge = make_page(db, "Énorme", old)
        actor = make_user(db, "Bérénice")
        services.save_page(
            db, huge, body=new, comment="", actor=actor, base_revision_id=huge.current_revision_id, policy="account"
        )
        db.commit()
        slug = huge.slug
    anonymous = app.test_client()
    for label in ("first", "again (cached)"):
        start = time.perf_counter()
        answer = anonymous.get(f"/pages/{slug}/diff?from=1&to=2")
        print(f"diff {label}: {answer.status_code}, {time.perf_counter() - start:.2f} s, {len(answer.data):,} bytes")
    start = time.perf_counter()
    shown = anonymous.get(f"/pages/{slug}")
    print(f"page view of the stored hostile text: {shown.status_code}, {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
