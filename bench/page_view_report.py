"""The report of ``page_view.py``: a Markdown table and notes on stdout, one JSON record per scenario.

``print_report`` prints the table (req/s, p50/p90/p99, ratio to bare Flask
from the medians and per round, server CPU per request, in-process time,
body size), the CPU share other processes took during the runs, the page
weight, the HTTP validators, the SQL statements per view, the servers'
memory and the cProfile when one was asked for; ``append_jsonl`` appends one
JSON record per scenario.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any


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
