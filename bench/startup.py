"""A worker's cold start and memory (issue 19): fresh processes, CPU and peak RSS read with ``os.wait4``.

```sh
.venv/bin/python bench/startup.py --instance DIR                 # 5 fresh processes of this tree
.venv/bin/python bench/startup.py --instance DIR --tree /tmp/old # the same, another tree first (before/after)
.venv/bin/python bench/startup.py --instance DIR --requests 2000 # then memory after varied requests, in-process
```

Each process imports ``wiki``, builds the app and answers ``/-/health`` and
one page view with the test client, as ``bench/compare.py``'s cold start does
(plus the page view); printed: the median wall time, the median CPU time (the
figure to compare on a shared machine) and the median peak RSS, with the
libraries of rare features found loaded. ``DIR`` holds ``env.json`` (the
``LIEUDIT_*`` settings of an instance, as written by ``bench/compare_setup.py``
callers). ``--requests N`` then serves N anonymous GETs in one process (page
views over the whole corpus, a few popular pages, health, searches) and prints
its resident memory before and after: the growth of a worker's caches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RARE = ("alembic", "geoalchemy2", "shapely", "numpy", "icalendar", "rdflib", "mako", "openpyxl", "odf")

CHILD = """
import sys
from wiki import create_app
client = create_app().test_client()
assert client.get('/-/health').status_code == 200
assert client.get('/pages/page-3').status_code == 200
print(','.join(name for name in sys.argv[1:] if name in sys.modules))
"""

GROWTH = """
import random, sys
from wiki import create_app
count, pages = int(sys.argv[1]), int(sys.argv[2])
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20
client = create_app().test_client()
client.get('/-/health'), client.get('/pages/page-3')
before = rss()
words = ['territoire', 'commune', 'projet', 'association', 'jardin', 'marché', 'école', 'vélo']
random.seed(1)
for i in range(count):
    kind = i % 4
    path = (f'/pages/page-{random.randrange(pages)}', '/-/health', f'/-/recherche?q={random.choice(words)}',
            f'/pages/page-{random.randrange(50)}')[kind]
    assert client.get(path).status_code in (200, 304), path
print(f'{before:.1f} {rss():.1f}')
"""


def child(tree: Path, code: str, args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run ``code`` in a fresh interpreter on ``tree``: wall s, CPU s, peak RSS MiB and its output."""
    environ = {**os.environ, **env, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=tree, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the child on {tree} failed (status {status})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.strip()


def measure(tree: Path, env: dict[str, str], runs: int) -> dict[str, object]:
    """Median wall, CPU and peak RSS of ``runs`` cold starts on ``tree``, and the rare libraries loaded."""
    results = [child(tree, CHILD, list(RARE), env) for _ in range(runs)]
    return {
        "wall_s": round(statistics.median(r[0] for r in results), 2),
        "cpu_s": round(statistics.median(r[1] for r in results), 2),
        "peak_rss_mib": round(statistics.median(r[2] for r in results), 1),
        "rare_loaded": results[-1][3] or "-",
    }


def main() -> None:
    """Measure the trees given, one right after the other, and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instance", required=True, type=Path, help="folder with env.json")
    parser.add_argument("--tree", action="append", type=Path, default=[], help="another source tree, measured first")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=0, help="then N varied GETs in one process")
    parser.add_argument("--pages", type=int, default=10_000, help="pages of the instance (page-0 … page-N-1)")
    args = parser.parse_args()
    env = json.loads((args.instance / "env.json").read_text(encoding="utf-8"))
    print(f"# load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}", flush=True)
    for tree in [*args.tree, REPO]:
        print(tree, json.dumps(measure(tree, env, args.runs)), flush=True)
        if args.requests:
            out = child(tree, GROWTH, [str(args.requests), str(args.pages)], env)[3]
            before, after = out.split()
            print(f"{tree} after {args.requests} requests: RSS {before} -> {after} MiB", flush=True)
    print(f"# load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")


if __name__ == "__main__":
    main()
