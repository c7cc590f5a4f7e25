"""What the import benchmarks share: a fresh instance, ``lieudit import`` in a child process, the verdict.

``bench/import_mediawiki.py``, ``import_yeswiki.py`` and ``import_table.py``
each generate their own input; this module creates the instance they import
into, runs the real command in a child whose resource usage is read alone
(``os.wait4``: wall and CPU seconds, peak RSS, Python start-up and app
creation included), and prints the verdict against issue 13's targets.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.run_context import isolate_environment

LIEUDIT = str(Path(sys.executable).parent / "lieudit")
#: Issue 13: each import under a minute, peak RSS under 200 MB (and constant in the input size).
TARGET_SECONDS, TARGET_MB = 60, 200


@dataclass(frozen=True)
class ChildRun:
    """One ``lieudit import`` run: wall and CPU seconds, peak RSS in MB, the summary line it printed."""

    seconds: float
    cpu: float
    peak_mb: float
    summary: str


def fresh_instance(folder: Path) -> Path:
    """Create an empty instance (``lieudit init``, SQLite) under ``folder``; return its database file."""
    isolate_environment(folder / "instance")
    subprocess.run([LIEUDIT, "init"], check=True, capture_output=True)
    return folder / "instance" / "lieudit.db"


def run_import(args: Sequence[str]) -> ChildRun:
    """Run ``lieudit import ARGS`` in a child and measure it; stop the bench if it fails."""
    started = time.monotonic()
    child = subprocess.Popen([LIEUDIT, "import", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"lieudit import {' '.join(args)} a échoué (statut {status}) : {out[-2000:]}")
    summary = (out.strip().splitlines() or [""])[-1]
    return ChildRun(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, summary)


def verdict(what: str, seconds: float, peaks: Sequence[float]) -> str:
    """The closing line: the main run's time and the peaks against the targets, and their spread."""
    ok_time, ok_rss = seconds < TARGET_SECONDS, all(p < TARGET_MB for p in peaks)
    return (f"# verdict: {what} in {seconds:.1f} s ({'<' if ok_time else '≥'} {TARGET_SECONDS} s), peak RSS "
            f"{'<' if ok_rss else '≥'} {TARGET_MB} MB, peak RSS spread between sizes {max(peaks) - min(peaks):.0f} MB")  # fmt: skip
