"""The Markdown section ``compare.py`` prints and appends to ``RESULTS.md``: commands, medians, p99s, ratios."""

from __future__ import annotations

import statistics
from typing import Any


def _median(runs: list[dict[str, Any]], key: str) -> float:
    """Return the median of ``key`` over the runs (0 when absent)."""
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else 0.0


def bench_dir() -> str:
    """Return the folder of the benchmarks (shortened to ``bench`` in the commands shown)."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent)


def _fmt(value: float) -> str:
    """Return a figure with a thousands separator and sensible decimals."""
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def markdown(
    scenarios: list[Any], facts: dict[str, Any], context: dict[str, Any], machine: dict[str, Any], args: Any
) -> str:
    """Return the dated section of a comparison run."""
    flask = next((sc for sc in scenarios if sc.system == "bare Flask"), None)
    lines = [
        f"## Side by side: Lieudit, An Otter Wiki, bare Flask, nginx ({context['time']})",
        "",
        f"**Command**: `.venv/bin/python bench/compare.py {'--quick' if args.quick else '--smoke' if args.smoke else ''}`"
        f" (pages {args.pages}, records {args.records}, {args.runs} interleaved round(s) of {args.duration}).",
        f"**Code**: commit `{context['git']}`. **Machine**: {machine.get('nproc')} CPU ({machine.get('cpu')}), "
        f"{machine.get('mem_gib')} GiB; wrk and every server on the same cores. "
        + ", ".join(f"{k} {v}" for k, v in context.items() if k not in ("time", "git"))
        + ".",
        "Servers: `python -m gunicorn -w 4 --worker-class sync` (Lieudit `wiki:create_app()` on SQLite, "
        "An Otter Wiki `otterwiki.server:app` from PyPI, `bench/hello_app.py`); nginx `worker_processes auto`.",
        "",
        "| server | scenario | wrk command | req/s (median) | p50 ms | p99 ms | server CPU ms/req | errors | lost edits | ÷ bare Flask |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for sc in scenarios:
        runs = sc.runs
        kept = sum(r.get("kept", 0) for r in runs)
        rps = _median(runs, "rps")
        errors = sum(r["non_2xx_3xx"] + r["socket_errors"] for r in runs)
        lost = f"{sum(r.get('lost', 0) for r in runs)} (of {kept} kept)" if sc.count else ""
        ratio = ""
        if flask is not None and sc is not flask:
            # Ratio per round (same moment of the machine), then the median.
            ratio = f"{statistics.median(r['rps'] / f['rps'] for r, f in zip(runs, flask.runs, strict=False)):.3f}"
        command = " ".join(
            f"'{part.split('=', 1)[0]}=…'" if part.startswith("Cookie:") else part.replace(str(bench_dir()), "bench")
            for part in sc.command(args.duration)
        )
        command = command.replace(sc.url.split("/", 3)[2], "HOST")
        lines.append(
            f"| {sc.system} | {sc.label} | `{command}` | {_fmt(rps)} | {_median(runs, 'p50_ms'):.1f} | "
            f"{_median(runs, 'p99_ms'):.1f} | {_median(runs, 'server_cpu_ms_per_req'):.2f} | {errors} | {lost} | {ratio} |"
        )
    lines += [
        "",
        "Worker RSS (largest worker, MiB), idle → after the rounds; cold start (fresh process: import, app, first answer):",
        "",
    ]
    for name, idle in facts["rss_idle"].items():
        lines.append(
            f"- {name}: {idle} → {facts['rss_after'].get(name, '?')} MiB; cold start {facts['cold_start_s'].get(name, '?')} s"
            + (f"; instance built in {facts['instances'][name]} s" if name in facts["instances"] else "")
        )
    lines.append("")
    return "\n".join(lines)
