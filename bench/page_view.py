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
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import harness
from run_context import machine_summary

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


def isolate_environment(instance: Path) -> None:
    """Point Lieudit at ``instance`` and drop other ``LIEUDIT_*`` settings."""
    for key in [k for k in os.environ if k.startswith("LIEUDIT_")]:
        del os.environ[key]
    os.environ["LIEUDIT_INSTANCE_PATH"] = str(instance)


def lieudit_init_demo(instance: Path) -> None:
    """Run ``lieudit init --demo`` for the throwaway instance."""
    script = Path(sys.executable).parent / "lieudit"
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from wiki.cli import main; main()"]
    subprocess.run(cmd + ["init", "--demo"], cwd=instance, check=True, stdout=subprocess.DEVNULL)


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


def git_revision() -> str:
    """Return the current commit (short) and whether the tree has local changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        return head + ("+local changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---------------------------------------------------------------- in-process


class StatementCounter:
    """Count (and keep) the SQL statements sent by any SQLAlchemy engine."""

    def __init__(self) -> None:
        """Start with no statements."""
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        """Record one statement (``before_cursor_execute`` listener)."""
        self.statements.append(" ".join(statement.split()))

    def count(self, fn: Any, *args: Any, **kwargs: Any) -> tuple[int, list[str], Any]:
        """Return the number of statements ``fn(*args, **kwargs)`` sends, the statements and its result."""
        start = len(self.statements)
        result = fn(*args, **kwargs)
        return len(self.statements) - start, self.statements[start:], result


def per_call_ms(fn: Any, n: int = 100, repeats: int = 5) -> float:
    """Median over ``repeats`` batches of the mean wall time of ``fn()``, in ms."""
    fn()
    batches = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        batches.append((time.perf_counter() - start) / n * 1000)
    return statistics.median(batches)


def in_process_checks(slug: str, profile: int) -> dict[str, Any]:
    """Count SQL per view for every demo page and time views in-process."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from wiki import create_app
    from wiki import markup
    from wiki.demo import PAGES_DIR

    counter = StatementCounter()
    event.listen(Engine, "before_cursor_execute", counter)
    app = create_app()
    client = app.test_client(use_cookies=False)  # like wrk: no cookies, no Accept-Language

    per_page = []
    for md in sorted(PAGES_DIR.glob("*.md")):
        path = f"/pages/{md.stem}"
        cold, _, first = counter.count(client.get, path)
        if first.status_code != 200:
            continue
        warm, statements, response = counter.count(client.get, path)
        etag = response.headers.get("ETag")
        not_modified = status_304 = None
        if etag:
            not_modified, _, answer = counter.count(client.get, path, headers={"If-None-Match": etag})
            status_304 = answer.status_code
        links = len(re.findall(r'class="wikilink', response.get_data(as_text=True)))
        per_page.append(
            {
                "slug": md.stem,
                "links": links,
                "sql_cold": cold,
                "sql_warm": warm,
                "etag": bool(etag),
                "sql_304": not_modified,
                "status_304": status_304,
                "statements": statements,
                # N+1 shows as one statement text repeated once per link, backlink or record.
                "max_repeats": max(Counter(statements).values(), default=0),
            }
        )

    event.remove(Engine, "before_cursor_execute", counter)
    with app.app_context():
        from wiki.db import get_session
        from wiki.pages import services

        db = get_session()
        for row in per_page:
            row["backlinks"] = len(services.backlinks(db, services.find_page(db, row["slug"])))
        target = next((p for p in per_page if p["slug"] == slug), None)
        if target is None:
            sys.exit(f"/pages/{slug} is not a demo page")
        body = services.find_page(db, slug).current_revision.body

    etag = client.get(f"/pages/{slug}").headers.get("ETag", "")
    sys.path.insert(0, str(BENCH))
    import hello_app

    hello = hello_app.app.test_client()
    timings = {
        "lieudit view": per_call_ms(lambda: client.get(f"/pages/{slug}")),
        "lieudit 304": per_call_ms(lambda: client.get(f"/pages/{slug}", headers={"If-None-Match": etag})),
        "lieudit home": per_call_ms(lambda: client.get("/")),
        "lieudit health": per_call_ms(lambda: client.get("/-/health")),
        "flask /tpl": per_call_ms(lambda: hello.get("/tpl")),
    }
    # What the per-revision cache saves on every view: the Markdown pipeline.
    timings["markdown render (uncached)"] = per_call_ms(lambda: markup.render(body), n=10)
    target["markdown_chars"] = len(body)

    profile_text = ""
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(profile):
            client.get(f"/pages/{slug}")
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(30)
        profile_text = out.getvalue()
    return {"per_page": per_page, "target": target, "timings_ms": timings, "profile": profile_text}


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


# ---------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 1) -> str:
    """Format a number, or '-' when missing."""
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio_of_medians(sc: dict[str, Any], ref: dict[str, Any]) -> float | None:
    """Return the scenario's median req/s divided by the reference's."""
    ref_rps = ref["summary"]["median_rps"]
    return sc["summary"]["median_rps"] / ref_rps if ref_rps else None


def ratio_per_round(sc: dict[str, Any], ref: dict[str, Any]) -> float | None:
    """Return the median over rounds of (scenario req/s ÷ reference req/s in the same round)."""
    ratios = [a["rps"] / b["rps"] for a, b in zip(sc["runs"], ref["runs"], strict=True) if b["rps"]]
    return statistics.median(ratios) if ratios else None


def print_report(
    scenarios: list[dict[str, Any]],
    facts: dict[str, Any],
    inproc: dict[str, Any],
    memory: dict[str, tuple[int, int]],
    args: argparse.Namespace,
    context: dict[str, Any],
) -> None:
    """Print the results as Markdown."""
    flask = next(sc for sc in scenarios if sc["label"] == "flask /tpl")
    print()
    print(
        f"### wrk -t{args.threads} -c{args.conns} -d{args.duration} --latency, gunicorn {args.workers} sync workers each, "
        f"median of {args.runs} (interleaved rounds, {args.warmup or 'no'} warm-up)"
    )
    print()
    print(
        "| scenario | URL | req/s | p50 ms | p90 ms | p99 ms | ÷ Flask /tpl (medians) | ÷ Flask /tpl (same round, median) "
        "| server CPU ms/req | in-process ms/req | body bytes |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    sizes = {
        "lieudit view": facts["html_bytes"],
        "lieudit 304": 0,
        "lieudit home": facts["home_bytes"],
        "flask /tpl": facts["tpl_bytes"],
    }
    for sc in scenarios:
        s = sc["summary"]
        print(
            f"| {sc['label']} | `{sc['path']}`{' + If-None-Match' if sc['headers'] else ''} | {fmt(s['median_rps'])} | "
            f"{fmt(s['median_p50_ms'], 2)} | {fmt(s['median_p90_ms'], 2)} | {fmt(s['median_p99_ms'], 2)} | "
            f"{fmt(ratio_of_medians(sc, flask), 2)} | {fmt(ratio_per_round(sc, flask), 2)} | "
            f"{fmt(s['median_server_cpu_ms_per_req'], 2)} | {fmt(inproc['timings_ms'].get(sc['label']), 2)} | {sizes.get(sc['label'], '-')} |"
        )
    shares = [run["other_cpu_share"] for sc in scenarios for run in sc["runs"]]
    print()
    print(
        f"Other processes on the machine used {min(shares):.0%}–{max(shares):.0%} (median "
        f"{statistics.median(shares):.0%}) of its CPU during the recorded runs; rounds are interleaved and "
        "the per-round ratio compares runs a few seconds apart. Server CPU ms/req is the CPU time of the "
        "server's processes divided by the requests served: the figure least disturbed by other load."
    )
    errors = sum(sc["summary"]["non_2xx_3xx"] + sc["summary"]["socket_errors"] for sc in scenarios)
    print()
    print(f"Errors over all runs (non-2xx/3xx + socket errors): {errors}")
    print(
        f"In-process (Flask test client, one thread, no HTTP): rendering the page's Markdown "
        f"({inproc['target']['markdown_chars']:,} chars) without the cache takes "
        f"{inproc['timings_ms']['markdown render (uncached)']:.2f} ms."
    )
    print()
    print(f"### Page weight (`/pages/{args.slug}`, as served; gzip -6 in brackets, gunicorn itself does not compress)")
    print()
    print(f"- HTML: {facts['html_bytes']:,} B ({facts['html_gzip_bytes']:,} B)")
    print(f"- CSS: {facts['css_bytes']:,} B ({facts['css_gzip_bytes']:,} B)")
    print(
        f"- HTML + CSS: {facts['html_bytes'] + facts['css_bytes']:,} B "
        f"({facts['html_gzip_bytes'] + facts['css_gzip_bytes']:,} B)"
    )
    print(f"- bare Flask /tpl: {facts['tpl_bytes']:,} B")
    print()
    print("### HTTP validators on the anonymous view")
    print()
    print(f"- ETag: {facts['etag']}; Last-Modified: {facts['last_modified']}; Cache-Control: {facts['cache_control']}")
    print(
        f"- If-None-Match with that ETag -> {facts['status_if_none_match']}; "
        f"If-Modified-Since with that date -> {facts['status_if_modified_since']}"
    )
    print(f"- Set-Cookie on the anonymous 200: {facts['set_cookie'] or 'none'}")
    print(f"- Home page `/`: ETag {facts['home_etag'] or 'none'}; Cache-Control: {facts['home_cache_control']}")
    print()
    print("### SQL statements per anonymous view (in-process, before_cursor_execute)")
    print()
    print("| page | wikilinks | backlinks | ETag | cold cache | warm cache | 304 | most repeated statement (warm) |")
    print("|---|--:|--:|---|--:|--:|--:|--:|")
    for row in inproc["per_page"]:
        print(
            f"| {row['slug']} | {row['links']} | {row['backlinks']} | {'yes' if row['etag'] else 'no'} | {row['sql_cold']} | "
            f"{row['sql_warm']} | {'-' if row['sql_304'] is None else row['sql_304']} | {row['max_repeats']}× |"
        )
    repeats = max(row["max_repeats"] for row in inproc["per_page"])
    print()
    print(
        "An N+1 pattern shows as one statement repeated once per link, backlink or listed record; "
        f"here no statement text is sent more than {repeats}× in one view."
    )
    print(f"Statements of one warm view of /pages/{args.slug}:")
    for statement in inproc["target"]["statements"]:
        print(f"  - {statement[:160]}")
    print()
    print("### Server memory after the runs (process group: master + workers)")
    print()
    for label, (rss, pss) in memory.items():
        print(f"- {label}: RSS {rss / 1024:.0f} MiB, PSS {pss / 1024:.0f} MiB")
    print()
    print(
        f"Load average after the runs: {' '.join(f'{x:.2f}' for x in context['loadavg_after'])} "
        "(includes this benchmark's own servers and wrk)"
    )
    if inproc["profile"]:
        print()
        print(f"### cProfile of {args.profile} warm in-process views of /pages/{args.slug}")
        print()
        print(inproc["profile"])


def append_jsonl(
    path: str,
    scenarios: list[dict[str, Any]],
    facts: dict[str, Any],
    inproc: dict[str, Any],
    memory: dict[str, tuple[int, int]],
    args: argparse.Namespace,
    context: dict[str, Any],
) -> None:
    """Append one JSON record per scenario to ``path``."""
    flask = next(sc for sc in scenarios if sc["label"] == "flask /tpl")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        for sc in scenarios:
            server = "flask" if sc["label"].startswith("flask") else "lieudit"
            record = {
                "bench": "page_view",
                "label": sc["label"],
                **context,
                "workers": args.workers,
                **sc["summary"],
                "ratio_to_flask_tpl": ratio_of_medians(sc, flask),
                "ratio_to_flask_tpl_per_round": ratio_per_round(sc, flask),
                "in_process_ms": inproc["timings_ms"].get(sc["label"]),
                "server_rss_kib": memory[server][0],
                "server_pss_kib": memory[server][1],
            }
            if sc["label"] == "lieudit view":
                record["sql_per_view_warm"] = inproc["target"]["sql_warm"]
                record["page"] = {k: v for k, v in facts.items() if k != "tpl_bytes"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- main


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
        "git": git_revision(),
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
