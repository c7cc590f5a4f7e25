"""Benchmark: ``lieudit import mediawiki`` of one generated dump by two source trees, one right after the other.

On a shared machine only pairs run back to back compare: this script writes
one dump (``bench.import_mediawiki.write_dump``), then, for each round, runs
the real command with each tree in turn (``PYTHONPATH=TREE``: a ``git
archive`` of the commit before, say, and the working tree), each into a fresh
SQLite instance, and prints the child's wall time, CPU time (user + system,
from ``os.wait4``: steadier than the wall time under load), peak RSS, the
pages and revisions written, and the load average before and after.

Run from the repository root, for example::

    git archive REV | tar -x -C /tmp/before
    .venv/bin/python bench/import_mediawiki_pair.py --pages 2000 --rounds 2 /tmp/before .

The temporary folders are removed at the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.child_import import fresh_instance  # noqa: E402
from bench.child_import import run_import  # noqa: E402
from bench.import_mediawiki import write_dump  # noqa: E402
from bench.run_context import start_run  # noqa: E402


def measure(tree: Path, dump: Path) -> str:
    """Import ``dump`` with the code of ``tree`` into a fresh instance; return the table row."""
    load = os.getloadavg()[0]
    os.environ["PYTHONPATH"] = str(tree)
    try:
        with tempfile.TemporaryDirectory(prefix="lieudit-bench-mw-pair-") as tmp:
            database = fresh_instance(Path(tmp))
            run = run_import(["mediawiki", str(dump)])
            db = sqlite3.connect(database)
            pages, revisions = (
                db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("pages", "page_revisions")
            )
            db.close()
    finally:
        del os.environ["PYTHONPATH"]
    return (f"| {tree} | {run.seconds:.1f} s | {run.cpu:.1f} s | {run.peak_mb:.0f} MB | {pages:,} | {revisions:,} | "
            f"{load:.1f} → {os.getloadavg()[0]:.1f} |")  # fmt: skip


def main() -> None:
    """Write the dump, run each tree once per round, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path, help="source trees to compare, in this order")
    parser.add_argument("--pages", type=int, default=2_000, help="pages of the dump (2,000)")
    parser.add_argument("--revisions", type=int, default=3, help="revisions per page (3)")
    parser.add_argument("--rounds", type=int, default=1, help="times each tree runs, alternating (1)")
    options = parser.parse_args()
    start_run("import_mediawiki_pair", "MediaWiki import, before/after")
    with tempfile.TemporaryDirectory(prefix="lieudit-bench-mw-dump-") as tmp:
        dump = Path(tmp) / "dump.xml"
        write_dump(dump, options.pages, options.revisions)
        print(f"\n{options.pages:,} pages × {options.revisions} revisions, {dump.stat().st_size / 1e6:.1f} MB\n")
        print("| tree | wall | CPU | peak RSS | pages | revisions | load before → after |")
        print("|---|--:|--:|--:|--:|--:|---|")
        for _round in range(options.rounds):
            for tree in options.trees:
                print(measure(tree.resolve(), dump), flush=True)


if __name__ == "__main__":
    main()
