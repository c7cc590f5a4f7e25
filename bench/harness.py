"""Helpers for Lieudit's HTTP benchmarks: gunicorn servers, wrk runs, memory.

Standard library only (plus the ``gunicorn`` and ``wrk`` programs), Linux only
(memory and CPU figures are read from ``/proc``). Everything binds and talks
to 127.0.0.1; every load run is bounded by wrk's ``-d``.

- ``GunicornServer``: start ``gunicorn -w N --worker-class sync`` in its own
  process group, wait until it answers, measure its memory, and stop the whole
  group (also when the benchmark is interrupted: use it as a context manager).
- ``run_wrk`` / ``parse_wrk``: one ``wrk --latency`` run and its figures.
- ``measure``: a warm-up run, then N recorded runs, and their medians.
- ``group_cpu_seconds``, ``tree_cpu_seconds``, ``system_cpu_seconds``: CPU
  time of a server and of the whole machine, to tell how noisy a run was.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Self

#: Milliseconds per unit of the durations wrk prints.
_UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_program(name: str, hint: str) -> str:
    """Return the path of program ``name`` or exit with an installation hint."""
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} not found: {hint}")
    return path


def _group_pids(pgid: int) -> list[int]:
    """Return the ids of the live processes in process group ``pgid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields[0] is the state (field 3 of stat), fields[2] the process group.
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


def _stat_fields(pid: int) -> list[str]:
    """Return the fields of ``/proc/PID/stat`` after the command name."""
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def group_rss_kib(pgid: int) -> int:
    """Return the summed resident memory (KiB) of a process group.

    Pages shared between the gunicorn master and its forked workers are
    counted once per process, so this overstates the real footprint a little;
    ``group_pss_kib`` splits shared pages fairly.
    """
    total = 0
    for pid in _group_pids(pgid):
        try:
            total += int(_stat_fields(pid)[21]) * _PAGE_KIB  # rss, in pages
        except (OSError, IndexError, ValueError):
            pass
    return total


def group_pss_kib(pgid: int) -> int:
    """Return the summed proportional set size (KiB) of a process group."""
    total = 0
    for pid in _group_pids(pgid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def group_cpu_seconds(pgid: int) -> float:
    """Return the user+system CPU time consumed so far by a process group."""
    ticks = 0
    for pid in _group_pids(pgid):
        try:
            fields = _stat_fields(pid)
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / _CLOCK_TICKS


def tree_cpu_seconds(root: int) -> float:
    """Return the user+system CPU time consumed so far by process ``root`` and its direct children.

    For a server known by its pid rather than by a process group of its own,
    such as PostgreSQL's postmaster (from ``postmaster.pid``) and its backends.
    """
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry))
        except OSError:
            continue
        # fields[1] is the parent's pid (field 4 of stat).
        if int(entry) == root or int(fields[1]) == root:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / _CLOCK_TICKS


def wait_idle(pgids: list[int], *, limit: float = 30.0, interval: float = 0.5) -> float:
    """Wait until the given process groups stop using CPU; return seconds waited.

    Sync workers finish the requests wrk abandoned when its run ended; without
    this pause they would steal CPU from the next run.
    """
    start = time.monotonic()
    last = sum(group_cpu_seconds(g) for g in pgids)
    while time.monotonic() - start < limit:
        time.sleep(interval)
        now = sum(group_cpu_seconds(g) for g in pgids)
        if now - last < 0.05:
            break
        last = now
    return time.monotonic() - start


@dataclass
class GunicornServer:
    """A gunicorn server in its own process group, stopped with the group."""

    app: str
    port: int
    workers: int = 4
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    log_path: str | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        """Return the gunicorn command line."""
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(self.workers),
            "--worker-class",
            "sync",
            "-b",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            self.app,
        ]

    @property
    def pgid(self) -> int:
        """Return the process group id (the master's pid)."""
        assert self.proc is not None
        return self.proc.pid

    def start(self, ready_path: str = "/", timeout: float = 30.0) -> Self:
        """Start the server and wait until ``ready_path`` answers 200."""
        with open(self.log_path or os.devnull, "ab") as log:
            self.proc = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stopped as a whole
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                answered = http_get(self.port, ready_path)[0] == 200
            except OSError:
                answered = False
            # All workers must have booted before we measure anything.
            if answered and len(_group_pids(self.pgid)) >= self.workers + 1:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app} not ready after {timeout:.0f} s; see {self.log_path}")

    def stop(self, grace: float = 10.0) -> None:
        """Stop the master and its workers (SIGTERM, then SIGKILL after ``grace``)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.pgid, signal.SIGTERM)
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.pgid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass

    def __enter__(self) -> Self:
        """Return the server (already started or not)."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the server, whatever happened."""
        self.stop()


def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET ``http://127.0.0.1:PORT/PATH``; return status, headers (lower-case keys) and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def to_ms(token: str) -> float:
    """Convert a wrk duration such as ``812.5us`` or ``1.02s`` to milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", token)
    if not match:
        raise ValueError(f"not a wrk duration: {token!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Extract req/s, request count, latency percentiles and errors from ``wrk --latency`` output."""
    result: dict[str, Any] = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(match.group(1)) if match else None
    match = re.search(r"(\d+) requests in ", output)
    result["requests"] = int(match.group(1)) if match else None
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}(?:\.0+)?%\s+([\d.]+[a-z]+)", output, re.MULTILINE)
        result[f"p{pct}_ms"] = to_ms(match.group(1)) if match else None
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx_3xx"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["socket_errors"] = sum(map(int, match.groups())) if match else 0
    return result


def wrk_command(
    url: str,
    *,
    threads: int = 2,
    conns: int = 32,
    duration: str = "10s",
    headers: list[str] | None = None,
    timeout: str = "10s",
) -> list[str]:
    """Return the wrk command line for one run."""
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}", "--timeout", timeout, "--latency"]
    for header in headers or []:
        cmd += ["-H", header]
    return cmd + [url]


def system_cpu_seconds() -> tuple[float, float]:
    """Return the CPU time (all CPUs, all processes) since boot: spent not idle, and in all."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    # guest time is already counted in user time: only the first 8 fields.
    total = sum(values[:8])
    return (total - idle) / _CLOCK_TICKS, total / _CLOCK_TICKS


def system_busy_seconds() -> float:
    """Return the CPU time (all CPUs, all processes) spent not idle since boot."""
    return system_cpu_seconds()[0]


def run_wrk(cmd: list[str], pgids: list[int] | None = None) -> dict[str, Any]:
    """Run one wrk command and return its parsed figures.

    With ``pgids`` (the servers' process groups), also return how much CPU the
    servers, wrk and everything else on the machine used during the run:
    ``other_cpu_share`` (0..1 of all CPUs) tells how noisy the run was.
    """
    busy0, children0 = system_busy_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    servers0, wall0 = sum(group_cpu_seconds(g) for g in pgids or []), time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.monotonic() - wall0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    servers = sum(group_cpu_seconds(g) for g in pgids or []) - servers0
    busy = system_busy_seconds() - busy0
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    figures = parse_wrk(proc.stdout)
    if figures["rps"] is None:
        raise RuntimeError(f"could not parse wrk output:\n{proc.stdout}")
    if pgids:
        wrk_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
        figures["server_cpu_s"] = round(servers, 2)
        figures["wrk_cpu_s"] = round(wrk_cpu, 2)
        figures["other_cpu_share"] = round(max(0.0, busy - servers - wrk_cpu) / ((os.cpu_count() or 1) * wall), 3)
        # Server CPU per request: far less sensitive than req/s to other load.
        if figures["requests"]:
            figures["server_cpu_ms_per_req"] = round(servers * 1000 / figures["requests"], 3)
    return figures


def shell_join(cmd: list[str]) -> str:
    """Return ``cmd`` as a line one can paste into a shell."""
    return " ".join(shlex.quote(part) for part in cmd)


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    """Return the median of ``key`` over runs, ignoring missing values."""
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def measure(
    url: str,
    *,
    runs: int = 3,
    warmup: str = "2s",
    pause: float = 1.0,
    idle_pgids: list[int] | None = None,
    **wrk_options: Any,
) -> dict[str, Any]:
    """Warm up, then run wrk ``runs`` times; return the command, all runs and the medians."""
    if warmup:
        run_wrk(wrk_command(url, **{**wrk_options, "duration": warmup}))
    cmd = wrk_command(url, **wrk_options)
    results = []
    for _ in range(runs):
        time.sleep(pause)
        wait_idle(idle_pgids or [])
        results.append(run_wrk(cmd, idle_pgids))
    return summarize(shell_join(cmd), results)


def summarize(command: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the record of a scenario: its command, every run and the medians."""
    return {
        "command": command,
        "runs": runs,
        "median_rps": median_of(runs, "rps"),
        "median_p50_ms": median_of(runs, "p50_ms"),
        "median_p90_ms": median_of(runs, "p90_ms"),
        "median_p99_ms": median_of(runs, "p99_ms"),
        "median_server_cpu_ms_per_req": median_of(runs, "server_cpu_ms_per_req"),
        "non_2xx_3xx": sum(run["non_2xx_3xx"] for run in runs),
        "socket_errors": sum(run["socket_errors"] for run in runs),
    }
