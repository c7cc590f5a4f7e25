"""What a benchmark records about its run, and the environment it runs in.

- ``git_revision``: the commit measured, marked when the tree has local changes.
- ``machine_summary``: CPU count, CPU model and memory of this machine (Linux:
  read from ``/proc``), and Python's version when asked.
- ``versions``: the versions of Python, the web stack and wrk.
- ``isolate_environment``: drop the caller's ``LIEUDIT_*`` settings, so that
  only the benchmark's apply.
- ``start_run``: the context and header lines of the in-process benchmarks
  (``records_list.py``, ``api.py``).

Standard library only.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def git_revision(*, dirty: str = "+dirty", unknown: str = "?") -> str:
    """Return the short commit, followed by ``dirty`` when the tree has local changes; ``unknown`` without git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return unknown
    return head + (dirty if changes else "")


def machine_summary(*, python: bool = False) -> dict[str, Any]:
    """Return CPU count, CPU model and total memory of this machine (and Python's version with ``python``)."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    found: dict[str, Any] = {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(mem_kib / 1024 / 1024, 1)}
    if python:
        found["python"] = platform.python_version()
    return found


def versions() -> dict[str, str]:
    """Return the versions of Python, the web stack and wrk."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version

    found = {"python": sys.version.split()[0]}
    for name in ("flask", "werkzeug", "jinja2", "sqlalchemy", "gunicorn"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "?"
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk (\S+)", wrk.stdout + wrk.stderr)
    found["wrk"] = match.group(1) if match else "?"
    return found


def isolate_environment(instance: Path | None = None) -> None:
    """Drop ``LIEUDIT_*`` variables; with ``instance``, point Lieudit at that folder."""
    for key in [k for k in os.environ if k.startswith("LIEUDIT_")]:
        del os.environ[key]
    if instance is not None:
        os.environ["LIEUDIT_INSTANCE_PATH"] = str(instance)


def start_run(bench: str, title: str) -> dict[str, Any]:
    """Print the header of ``bench/BENCH.py``'s report (title, commit, machine, command); return that context."""
    context = {
        "bench": bench,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_revision(),
        "machine": machine_summary(python=True),
        "command": " ".join([".venv/bin/python", f"bench/{bench}.py", *sys.argv[1:]]),
    }
    m = context["machine"]
    print(f"# Lieudit {title} benchmark, {context['time']}, commit {context['git']}")
    print(
        f"# machine: {m['nproc']} CPU ({m['cpu']}), {m['mem_gib']} GiB RAM, Python {m['python']}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"# command: {context['command']}")
    return context
