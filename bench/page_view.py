"""Benchmark: anonymous page views of Lieudit beside a bare Flask app, same run.

What it does, in order:

1. Creates a throwaway instance in a temporary folder (``LIEUDIT_INSTANCE_PATH``;
   other ``LIEUDIT_*`` variables are ignored so the default SQLite setup is
   measured) and runs ``lieudit init --demo``.
2. In-process, with the Flask test client and SQLAlchemy's
   ``before_cursor_execute`` event: counts the SQL statements of one anonymous
   view of every demo page (cold and warm render cache, and the 304 answer) to
   show that no statement repeats per link, backlink or record ("no N+1"), and times
   the views without HTTP. ``--profile N`` also prints a cProfile of N warm views.
3. Starts Lieudit (``gunicorn -w 4 --worker-class sync 'wiki:create_app()'``) and
   the bare Flask reference ``bench/hello_app.py`` (same gunicorn settings) on
   two free loopback ports, checks the HTTP validators, and measures with
   ``wrk -t2 -c32 -d10s --latency`` (2 s warm-up each, then 3 interleaved rounds,
   median reported):

   - ``lieudit view``: anonymous ``GET /pages/comment-contribuer``, full 200
     answers. wrk sends no ``If-None-Match``, so this is a cache-warm view: the
     revision's HTML comes from the per-worker cache and goes through the
     page template;
   - ``lieudit 304``: the same with ``If-None-Match`` set to the page's ETag;
   - ``lieudit home``: ``GET /``, the demo home page, which embeds a live list of
     directory records (a page macro), so it has no ETag and is rendered anew;
   - ``lieudit health``: ``GET /-/health`` (one ``SELECT 1``);
   - ``flask /tpl``: the bare Flask ~20 KB template render (framework ceiling).

4. Prints a Markdown table (req/s, p50/p90/p99, ratio to bare Flask, server CPU
   per request, in-process time), the CPU share other processes took during the
   runs, response sizes, validators, SQL per view and server memory;
   ``--jsonl FILE`` appends one JSON record per scenario.

Servers are stopped at the end, on errors and on Ctrl-C. Run from the
repository root: ``.venv/bin/python bench/page_view.py``.

The in-process checks are in ``page_view_inprocess.py``, the report in
``page_view_report.py``; the servers and wrk runs in ``harness.py``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness
from page_view_inprocess import in_process_checks
from page_view_report import append_jsonl
from page_view_report import print_report
from run_context import git_revision
from run_context import isolate_environment
from run_context import machine_summary
from run_context import versions

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
DEFAULT_SLUG = "comment-contribuer"


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--slug", default=DEFAULT_SLUG, help="demo page to view (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per server (default: %(default)s)")
    ap.add_argument("-t", "--threads", type=int, default=2, help="wrk threads (default: %(default)s)")
    ap.add_argument("-c", "--conns", type=int, default=32, help="wrk connections (default: %(default)s)")
    ap.add_argument("-d", "--duration", default="10s", help="wrk duration of a recorded run (default: %(default)s)")
    ap.add_argument("--warmup", default="2s", help="wrk warm-up per scenario, '' for none (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="recorded rounds, median reported (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="smoke test: one 3 s round, 1 s warm-up")
    ap.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also print a cProfile of N warm in-process views"
    )
    ap.add_argument("--jsonl", help="append one JSON record per scenario to this file")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.duration, args.warmup = 1, "3s", "1s"
    return args


def lieudit_init_demo(instance: Path) -> None:
    """Run ``lieudit init --demo`` for the throwaway instance."""
    script = Path(sys.executable).parent / "lieudit"
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from wiki.cli import main; main()"]
    subprocess.run(cmd + ["init", "--demo"], cwd=instance, check=True, stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------- over HTTP


def http_facts(lieudit_port: int, flask_port: int, slug: str) -> dict[str, Any]:
    """Fetch the page once: its ETag, validators, cookies and the HTML/CSS weight."""
    status, headers, body = harness.http_get(lieudit_port, f"/pages/{slug}")
    if status != 200:
        raise RuntimeError(f"/pages/{slug} answered {status}")
    etag = headers.get("etag")
    css_bytes = 0
    css_gzip = 0
    for href in re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', body.decode()):
        css_status, _, css = harness.http_get(lieudit_port, href)
        if css_status == 200:
            css_bytes += len(css)
            css_gzip += len(gzip.compress(css, 6))
    status_304 = harness.http_get(lieudit_port, f"/pages/{slug}", {"If-None-Match": etag})[0] if etag else None
    status_lm = None
    if headers.get("last-modified"):
        status_lm = harness.http_get(lieudit_port, f"/pages/{slug}", {"If-Modified-Since": headers["last-modified"]})[0]
    _, home_headers, home = harness.http_get(lieudit_port, "/")
    _, _, tpl = harness.http_get(flask_port, "/tpl")
    return {
        "etag": etag,
        "last_modified": headers.get("last-modified"),
        "cache_control": headers.get("cache-control"),
        "set_cookie": headers.get("set-cookie", "").split("=", 1)[0] or None,
        "status_if_none_match": status_304,
        "status_if_modified_since": status_lm,
        "html_bytes": len(body),
        "html_gzip_bytes": len(gzip.compress(body, 6)),
        "css_bytes": css_bytes,
        "css_gzip_bytes": css_gzip,
        "tpl_bytes": len(tpl),
        "home_bytes": len(home),
        "home_etag": home_headers.get("etag"),
        "home_cache_control": home_headers.get("cache-control"),
    }


def run_scenarios(scenarios: list[dict[str, Any]], args: argparse.Namespace, pgids: list[int]) -> None:
    """Warm up every scenario, then run interleaved rounds; store the results in each scenario."""
    options = {"threads": args.threads, "conns": args.conns}
    if args.warmup:
        for sc in scenarios:
            harness.run_wrk(harness.wrk_command(sc["url"], duration=args.warmup, headers=sc["headers"], **options))
    for sc in scenarios:
        sc["cmd"] = harness.wrk_command(sc["url"], duration=args.duration, headers=sc["headers"], **options)
        sc["runs"] = []
    for round_no in range(1, args.runs + 1):
        for sc in scenarios:
            time.sleep(1.0)
            harness.wait_idle(pgids)
            result = harness.run_wrk(sc["cmd"], pgids)
            sc["runs"].append(result)
            print(
                f"  round {round_no} {sc['label']:<15} {result['rps']:9.1f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                f"p99 {result['p99_ms']:6.2f} ms  errors {result['non_2xx_3xx'] + result['socket_errors']}  "
                f"server CPU {result.get('server_cpu_ms_per_req', 0):.2f} ms/req  wrk CPU {result['wrk_cpu_s']:.1f} s  "
                f"other processes {result['other_cpu_share']:.0%} of the machine",
                flush=True,
            )


def main() -> None:
    """Run the benchmark and print its report."""
    args = parse_args()
    harness.require_program("wrk", "install it with `apt-get install -y wrk`")
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        sys.exit("gunicorn not installed in this Python: `.venv/bin/pip install gunicorn`")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers

    context = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git": git_revision(dirty="+local changes", unknown="unknown"),
        "machine": machine_summary(),
        "loadavg_before": os.getloadavg(),
        "versions": versions(),
    }
    print(f"# Lieudit page view benchmark, {context['time']}, commit {context['git']}")
    print("# versions: " + ", ".join(f"{k} {v}" for k, v in context["versions"].items()))
    print(
        f"# machine: {context['machine']['nproc']} CPU ({context['machine']['cpu']}), {context['machine']['mem_gib']} GiB RAM, "
        f"load average before: {' '.join(f'{x:.2f}' for x in context['loadavg_before'])}"
    )

    with tempfile.TemporaryDirectory(prefix="lieudit-bench-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        isolate_environment(instance)
        lieudit_init_demo(instance)
        print(f"# instance: {instance} (demo territory loaded)")

        inproc = in_process_checks(args.slug, args.profile)

        lieudit = harness.GunicornServer(
            "wiki:create_app()",
            harness.free_port(),
            args.workers,
            cwd=str(REPO),
            log_path=str(Path(tmp) / "lieudit.log"),
        )
        flask = harness.GunicornServer(
            "hello_app:app", harness.free_port(), args.workers, cwd=str(BENCH), log_path=str(Path(tmp) / "flask.log")
        )
        try:
            with lieudit, flask:
                lieudit.start("/-/health")
                flask.start("/tpl")
                print(f"# lieudit: {harness.shell_join(lieudit.command)}  (port {lieudit.port})")
                print(f"# flask:   {harness.shell_join(flask.command)}  (port {flask.port}, cwd bench/)")
                facts = http_facts(lieudit.port, flask.port, args.slug)
                page_url = f"http://127.0.0.1:{lieudit.port}/pages/{args.slug}"
                scenarios = [
                    {"label": "lieudit view", "path": f"/pages/{args.slug}", "url": page_url, "headers": []},
                    {
                        "label": "lieudit 304",
                        "path": f"/pages/{args.slug}",
                        "url": page_url,
                        "headers": [f"If-None-Match: {facts['etag']}"],
                    },
                    {"label": "lieudit home", "path": "/", "url": f"http://127.0.0.1:{lieudit.port}/", "headers": []},
                    {
                        "label": "lieudit health",
                        "path": "/-/health",
                        "url": f"http://127.0.0.1:{lieudit.port}/-/health",
                        "headers": [],
                    },
                    {"label": "flask /tpl", "path": "/tpl", "url": f"http://127.0.0.1:{flask.port}/tpl", "headers": []},
                ]
                if facts["status_if_none_match"] != 304:
                    print(
                        f"! /pages/{args.slug} has no working ETag (If-None-Match -> {facts['status_if_none_match']}): "
                        "the 304 scenario is skipped"
                    )
                    scenarios = [sc for sc in scenarios if sc["label"] != "lieudit 304"]
                run_scenarios(scenarios, args, [lieudit.pgid, flask.pgid])
                memory = {
                    "lieudit": (harness.group_rss_kib(lieudit.pgid), harness.group_pss_kib(lieudit.pgid)),
                    "flask": (harness.group_rss_kib(flask.pgid), harness.group_pss_kib(flask.pgid)),
                }
        except Exception:
            for log in (lieudit.log_path, flask.log_path):
                text = Path(log).read_text(errors="replace") if log and Path(log).exists() else ""
                if text.strip():
                    print(f"--- tail of {log}:\n" + "\n".join(text.splitlines()[-20:]), file=sys.stderr)
            raise

    context["loadavg_after"] = os.getloadavg()
    for sc in scenarios:
        sc["summary"] = harness.summarize(harness.shell_join(sc["cmd"]), sc["runs"])
    print_report(scenarios, facts, inproc, memory, args, context)
    if args.jsonl:
        append_jsonl(args.jsonl, scenarios, facts, inproc, memory, args, context)
        print(f"# appended {len(scenarios)} records to {args.jsonl}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; the servers were stopped")
