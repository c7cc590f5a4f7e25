"""Check that ``lieudit init --demo`` writes the same database as another commit's code.

Run from the repository root::

    python tests/wiki/demo/compare_demo.py BASE_COMMIT

It checks BASE_COMMIT out in a temporary git worktree, runs ``lieudit init
--demo`` on a fresh SQLite instance with each tree's code (the base one and
this working tree), dumps every table of both databases with the standard
library only, and prints the differences (exit status 1) or a summary (0).
Values that only say *when* the command ran (timestamps within an hour of now
or of now plus whole days, in columns, JSON or iCalendar text) become
``<now+Nd>``, and the random end of event UIDs ``<random>``; everything else,
ids included, must match. Both runs happen the same day, so the
agenda's dates (relative to today) match too. Not collected by pytest: it is
the proof kept for the move of the demo content into data files (issue 12).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
#: ISO timestamps (columns, JSON text) and iCalendar ones (``DTSTAMP:20261207T132319Z``).
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?|\d{8}T\d{6}Z?")
#: Event UIDs end with random hex: ``evenement-65-5341d2a2@lieudit``.
UID = re.compile(r"(\w+-\d+)-[0-9a-f]{8}@lieudit")
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _relative_to_now(text: str) -> str | None:
    """``<now+Nd>`` when a timestamp is within an hour of now plus whole days (UTC or local), else None."""
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?", text)
    if compact:
        text = "{}-{}-{}T{}:{}:{}".format(*compact.groups())
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    for now in (NOW, dt.datetime.now()):
        days = round((value - now) / dt.timedelta(days=1))
        if abs(value - now - dt.timedelta(days=days)) < dt.timedelta(hours=1):
            return f"<now{days:+d}d>" if days else "<now>"
    return None


def _normalise(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return value.hex()
    if isinstance(value, str):
        value = UID.sub(r"\1-<random>@lieudit", value)
        return STAMP.sub(lambda m: _relative_to_now(m.group()) or m.group(), value)
    return value


def dump(database: Path) -> dict[str, list[list[Any]]]:
    """Every row of every table (sorted), what depends on the moment of the run normalised."""
    conn = sqlite3.connect(database)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        found: dict[str, list[list[Any]]] = {}
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [c[0] for c in cursor.description]
            rows = [[_normalise(v) for v in row] for row in cursor]
            found[table] = [columns, *sorted(rows, key=repr)]
        return found
    finally:
        conn.close()


def init_demo(tree: Path, instance: Path) -> Path:
    """Run ``lieudit init --demo`` with the code of ``tree`` on a new instance; return its database."""
    env = os.environ | {"PYTHONPATH": str(tree), "LIEUDIT_INSTANCE_PATH": str(instance)}
    env.pop("LIEUDIT_DATABASE_URL", None)
    command = [sys.executable, "-c", "from wiki.cli import main; main()", "init", "--demo"]
    subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, timeout=600)
    return instance / "lieudit.db"


def _lines(found: dict[str, list[list[Any]]]) -> list[str]:
    return [f"{table}: {json.dumps(row, ensure_ascii=False)}" for table, rows in found.items() for row in rows]


def main(base: str) -> int:
    """Compare the demo database of ``base`` with this tree's; return the exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), base], cwd=ROOT, check=True)
        try:
            before = dump(init_demo(worktree, Path(tmp) / "before"))
            after = dump(init_demo(ROOT, Path(tmp) / "after"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=True)
    if before == after:
        rows = sum(len(r) - 1 for r in after.values())
        print(f"Identical: {len(after)} tables, {rows} rows ({base} and the working tree).")
        return 0
    sys.stdout.writelines(f"{line}\n" for line in difflib.unified_diff(_lines(before), _lines(after), base, "tree"))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "HEAD"))
