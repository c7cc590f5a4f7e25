"""Lieudit side by side with An Otter Wiki, bare Flask and nginx, in interleaved rounds (issue 19).

```sh
.venv/bin/python bench/compare.py            # 1,000 and 10,000 pages + 10,000 records, 3 rounds of 10 s: ~25 min
.venv/bin/python bench/compare.py --quick    # 300 pages, 1 round of 3 s, no peer: ~1 min, prints only
.venv/bin/python bench/compare.py --smoke    # 100 pages, 1 s per scenario: fails on any error or lost edit
```

Every server runs under gunicorn with 4 sync workers (nginx: ``worker_processes
auto``) on 127.0.0.1; every scenario is ``wrk -t2 -c32 -d10s --latency`` unless
said otherwise (search 8 connections, saves 1 and 4). Rounds interleave all
scenarios of all servers, so the machine's noise touches each alike: compare
the **ratios**. A full run appends a dated section to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import compare_setup as setup  # noqa: E402
import harness  # noqa: E402
import save_load  # noqa: E402
from run_context import git_revision  # noqa: E402
from run_context import machine_summary  # noqa: E402
from run_context import versions  # noqa: E402


@dataclass
class Scenario:
    """One wrk command against one server, its runs, and how to count lost edits."""

    system: str
    label: str
    url: str
    conns: int = 32
    headers: list[str] = field(default_factory=list)
    script: str = ""
    env: dict[str, str] = field(default_factory=dict)
    count: Any = None  # () -> int: revisions or commits, for saves
    saver: dict[str, Any] | None = None  # the arguments of save_load.run, for saves
    runs: list[dict[str, Any]] = field(default_factory=list)

    def command(self, duration: str) -> list[str]:
        """Return the wrk command line (for saves, what ``save_load.py`` does)."""
        if self.saver is not None:
            what = "GET the editor, change line 10×(n+1), POST" if self.saver.get("editor") else "POST"
            return ["bench/save_load.py:", f"{self.conns} client(s) × {duration}, each: {what}"]
        cmd = harness.wrk_command(
            self.url, threads=min(2, self.conns), conns=self.conns, duration=duration, headers=self.headers
        )
        return cmd[:-1] + (["-s", str(BENCH / "lua" / self.script)] if self.script else []) + cmd[-1:]


class PeerServer(harness.GunicornServer):
    """An Otter Wiki under gunicorn, with its own virtualenv's Python."""

    python: str = ""

    @property
    def command(self) -> list[str]:
        """Return the gunicorn command line of the peer's venv."""
        return [self.python, *super().command[1:]]


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 pages, 1 round of 3 s, no peer; prints only")
    parser.add_argument("--smoke", action="store_true", help="100 pages, 1 s per scenario; exit 1 on any error")
    parser.add_argument("--pages", help="corpus sizes, comma-separated (1000,10000)")
    parser.add_argument("--records", type=int, help="initiatives (10000)")
    parser.add_argument("--runs", type=int, help="interleaved rounds (3)")
    parser.add_argument("-d", "--duration", help="wrk -d of each run (10s)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--with-peer", action="store_true", help="with --quick or --smoke: run the peer too")
    parser.add_argument("--only", default="", help="keep the scenarios whose label holds one of these words (a,b)")
    parser.add_argument("--write", action="store_true", help="append to RESULTS.md (default for a full run)")
    args = parser.parse_args()
    defaults = {"pages": "1000,10000", "records": 10_000, "runs": 3, "duration": "10s"}
    if args.quick:
        defaults = {"pages": "300", "records": 300, "runs": 1, "duration": "3s"}
    elif args.smoke:
        defaults = {"pages": "100", "records": 50, "runs": 1, "duration": "1s"}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.quick or args.smoke:
        args.no_peer = args.no_peer or not args.with_peer
    else:
        args.write = True
    return args


def lieudit_scenarios(port: int, inst: setup.LieuditInstance, paths_file: Path, size: int) -> list[Scenario]:
    """Return Lieudit's scenarios, its login and save body prepared."""
    base, name = f"http://127.0.0.1:{port}", f"lieudit {size}"
    one = f"{base}/pages/page-3"
    etag = harness.http_get(port, "/pages/page-3")[1].get("etag", "")
    cookie, fields = setup.lieudit_save_form(port)
    saver = {"port": port, "path": f"/pages/{setup.SAVE_SLUG}/edit", "cookie": cookie, "fields": fields}
    saver["editor"] = saver["path"]

    def count() -> int:
        return inst.revisions(setup.SAVE_SLUG)

    return [
        Scenario(name, "view one page", one),
        Scenario(name, "view random pages", base, script="paths.lua", env={"PATHS_FILE": str(paths_file)}),
        Scenario(name, "logged-in view", one, headers=[f"Cookie: {cookie}"]),
        Scenario(name, "304 revalidation", one, headers=[f"If-None-Match: {etag}"]),
        Scenario(name, "home page", f"{base}/"),
        Scenario(name, "/-/health", f"{base}/-/health"),
        Scenario(name, "search one word (8 conn.)", f"{base}/-/recherche?q={setup.search_word()}", conns=8),
        Scenario(name, "save, 1 client", base, conns=1, count=count, saver=saver),
        Scenario(name, "save, 4 clients", base, conns=4, count=count, saver=saver),
    ]


def peer_scenarios(port: int, repo: Path, folder: Path, size: int, text: str) -> list[Scenario]:
    """Return An Otter Wiki's scenarios."""
    base, name = f"http://127.0.0.1:{port}", f"otterwiki {size}"
    paths = folder / "paths.txt"
    paths.write_text("\n".join(f"/Page-{n}" for n in range(size)) + "\n", encoding="utf-8")
    cookie, fields = setup.otterwiki_save_form(port, text)
    saver = {"port": port, "path": f"/{setup.SAVE_SLUG.capitalize()}/save", "cookie": cookie, "fields": fields}

    def count() -> int:
        return setup.otterwiki_commits(repo)

    return [
        Scenario(name, "view one page", f"{base}/Page-3"),
        Scenario(name, "view random pages", base, script="paths.lua", env={"PATHS_FILE": str(paths)}),
        Scenario(name, "search one word (8 conn.)", f"{base}/-/search/{setup.search_word()}", conns=8),
        Scenario(name, "save, 1 client", base, conns=1, count=count, saver=saver),
        Scenario(name, "save, 4 clients", base, conns=4, count=count, saver=saver),
    ]


def run_one(sc: Scenario, duration: str, pgids: list[int]) -> dict[str, Any]:
    """Run one scenario once; for saves, count what the server kept."""
    harness.wait_idle(pgids)
    before = sc.count() if sc.count else 0
    if sc.saver is not None:
        cpu = sum(harness.group_cpu_seconds(g) for g in pgids)
        result = save_load.run(**sc.saver, clients=sc.conns, seconds=float(duration.rstrip("s")))
        cpu = sum(harness.group_cpu_seconds(g) for g in pgids) - cpu
        result["server_cpu_ms_per_req"] = round(cpu * 1000 / max(1, result["requests"]), 3)
    else:
        saved = dict(os.environ)
        os.environ.update(sc.env)
        try:
            result = harness.run_wrk(sc.command(duration), pgids)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    if sc.count:
        harness.wait_idle(pgids)
        kept = sc.count() - before
        result["kept"] = kept
        result["lost"] = max(0, (result["requests"] or 0) - result["non_2xx_3xx"] - kept)
    return result


def cold_start(python: str, code: str, env: dict[str, str], cwd: Path) -> float:
    """Return the median wall time of 3 fresh processes running ``code`` (import and first answer)."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([python, "-c", code], env={**os.environ, **env}, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def worker_rss_mib(pgid: int) -> float:
    """Return the largest resident memory of a gunicorn worker (MiB): the group's processes but its master."""
    largest = 0
    for pid in harness._group_pids(pgid):
        if pid != pgid:
            with open(f"/proc/{pid}/statm") as handle:
                largest = max(largest, int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    return round(largest / 2**20, 1)


def main() -> None:  # noqa: PLR0915 - one straight sequence: build, start, measure, report
    """Build the instances, start the servers, run the rounds, report."""
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    harness.require_program("wrk", "apt-get install -y wrk")
    nginx = os.access("/usr/sbin/nginx", os.X_OK) or bool(harness.shutil.which("nginx"))
    if not nginx:
        print("# nginx not found (apt-get install -y nginx): its reference is left out")
    sizes = [int(s) for s in args.pages.split(",")]
    context = {"time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "git": git_revision(), **versions()}
    servers: list[Any] = []
    named: dict[str, Any] = {}  # the wikis' servers, by "system size"
    scenarios: list[Scenario] = []
    facts: dict[str, Any] = {"rss_idle": {}, "rss_after": {}, "cold_start_s": {}, "instances": {}}
    with tempfile.TemporaryDirectory(prefix="lieudit-compare-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            flask = harness.GunicornServer(
                "hello_app:app", harness.free_port(), cwd=str(BENCH), log_path=str(tmp / "f.log")
            )
            servers.append(flask.start("/tpl"))
            scenarios.append(Scenario("bare Flask", "cached 20 KB template", f"http://127.0.0.1:{flask.port}/tpl"))
            if nginx:
                html = harness.http_get(flask.port, "/tpl")[2]
                static = setup.NginxServer(tmp / "nginx", harness.free_port())
                servers.append(static.start(html))
                scenarios.append(Scenario("nginx", "20 KB static", f"http://127.0.0.1:{static.port}/page.html"))
            for size in sizes:
                started = time.perf_counter()
                inst = setup.lieudit_instance(tmp / f"lieudit-{size}", size, args.records)
                facts["instances"][f"lieudit {size}"] = round(time.perf_counter() - started, 1)
                server = harness.GunicornServer(
                    "wiki:create_app()", harness.free_port(), env=inst.env, cwd=str(BENCH.parent),
                    log_path=str(inst.folder / "gunicorn.log"),
                )  # fmt: skip
                servers.append(server.start("/-/health", timeout=120))
                named[f"lieudit {size}"] = server
                facts["rss_idle"][f"lieudit {size}"] = worker_rss_mib(server.pgid)
                paths = inst.folder / "paths.txt"
                paths.write_text("\n".join(f"/pages/page-{n}" for n in range(size)) + "\n", encoding="utf-8")
                scenarios += lieudit_scenarios(server.port, inst, paths, size)
                code = "from wiki import create_app; create_app().test_client().get('/-/health')"
                facts["cold_start_s"][f"lieudit {size}"] = round(
                    cold_start(sys.executable, code, inst.env, BENCH.parent), 2
                )
                if not args.no_peer:
                    folder = tmp / f"peer-{size}"
                    corpus = setup.pages(size)
                    peer = setup.otterwiki_instance(folder, corpus)
                    ps = PeerServer("otterwiki.server:app", harness.free_port(), env=peer["env"], cwd=str(folder),
                                    log_path=str(folder / "gunicorn.log"))  # fmt: skip
                    ps.python = peer["python"]
                    servers.append(ps.start("/-/healthz", timeout=120))
                    named[f"otterwiki {size}"] = ps
                    facts["rss_idle"][f"otterwiki {size}"] = worker_rss_mib(ps.pgid)
                    save_text = f"# {corpus[5][1]}\n\n{corpus[5][2]}"
                    scenarios += peer_scenarios(ps.port, peer["repo"], folder, size, save_text)
                    facts["cold_start_s"][f"otterwiki {size}"] = round(
                        cold_start(peer["python"], "import otterwiki.server", peer["env"], folder), 2
                    )
            if args.only:
                words = args.only.split(",")
                scenarios = [sc for sc in scenarios if sc.system == "bare Flask" or any(w in sc.label for w in words)]
            pgids = [s.pgid for s in servers]
            if not args.smoke:
                for sc in scenarios:  # warm-up, 2 s each
                    if not sc.count:
                        os.environ.update(sc.env)
                        harness.run_wrk(sc.command("2s"))
            for round_no in range(args.runs):
                for sc in scenarios:
                    sc.runs.append(run_one(sc, args.duration, pgids))
                    last = sc.runs[-1]
                    print(f"round {round_no + 1} {sc.system:14} {sc.label:28} {last['rps']:9.1f} req/s "
                          f"p99 {last['p99_ms']:.1f} ms cpu {last.get('server_cpu_ms_per_req')} ms/req "
                          f"errors {last['non_2xx_3xx'] + last['socket_errors']}"
                          + (f" lost {last['lost']}" if sc.count else ""), flush=True)  # fmt: skip
            for name, server in named.items():
                facts["rss_after"][name] = worker_rss_mib(server.pgid)
        finally:
            for server in reversed(servers):
                server.stop()
    import compare_report

    report = compare_report.markdown(scenarios, facts, context, machine_summary(), args)
    print(report)
    if args.write:
        with open(BENCH / "RESULTS.md", "a", encoding="utf-8") as handle:
            handle.write("\n" + report)
        print("# appended to bench/RESULTS.md")
    if args.smoke:
        failures = [
            sc
            for sc in scenarios
            for r in sc.runs
            if sc.system.startswith("lieudit") and (r["non_2xx_3xx"] or r["socket_errors"] or r.get("lost"))
        ]
        if failures:
            sys.exit("smoke: errors or lost edits in " + ", ".join(f"{sc.system} {sc.label}" for sc in failures))
        print("smoke: no error, no lost edit")


if __name__ == "__main__":
    main()
