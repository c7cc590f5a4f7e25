"""Time ``lieudit search rebuild`` (``maintenance.rebuild``) on a generated instance, Whoosh only.

    .venv/bin/python bench/search_rebuild.py --docs 20000 [--procs 2] [--parts N] [--profile]

Loads ``--docs`` documents (half pages, half records: ``search_data.load``),
then rebuilds the index with the given settings (the defaults are
``whoosh_writing.rebuild_options()`` and ``maintenance.plan``'s parts) and prints
wall time, CPU time (this process and its writer processes), the writers' peak
memory, the segments written and the load average before and after. ``--parts``
sets the number of segments (queries read every one: ``search.py --parts``). ``--profile`` profiles the building of the documents alone instead
(this process only: the writers' analysis is not in it).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_data import instance  # noqa: E402
from search_data import load  # noqa: E402
from search_measures import cpu_seconds  # noqa: E402


def main() -> None:
    """Load, then rebuild (or profile the document building) once."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--limitmb", type=int, help="buffer of Whoosh's own writers (rebuilds from a list only)")
    parser.add_argument("--parts", type=int, help="segments written (default: maintenance.plan)")
    parser.add_argument("--procs", type=int, help="writer processes (default: rebuild_options())")
    parser.add_argument("--profile", action="store_true", help="profile the building of the documents only")
    args = parser.parse_args()
    from wiki.search import whoosh_writing

    if args.limitmb:
        whoosh_writing.REBUILD_OPTIONS["limitmb"] = args.limitmb
    if args.procs:
        whoosh_writing.REBUILD_OPTIONS["procs"] = args.procs
    tmp = tempfile.mkdtemp(prefix="lieudit-rebuild-")
    try:
        run(args, Path(tmp))
    finally:  # not TemporaryDirectory: the outbox thread may still be closing its files in it
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    """Load the documents into a fresh instance under ``tmp``, then rebuild or profile."""
    from sqlalchemy.orm import Session

    from wiki.db import Database
    from wiki.search import get_backend
    from wiki.search import indexer
    from wiki.search import maintenance
    from wiki.search import whoosh_writing

    with instance("whoosh", tmp) as (app, _, _):
        with indexer.muted():
            load(app, args.docs)
        with app.app_context():
            engine = Database.engine(app)
            if args.profile:
                profile = cProfile.Profile()
                with Session(bind=engine) as db:
                    profile.enable()
                    count = sum(1 for _ in maintenance.documents(db))
                    profile.disable()
                print(f"{count} documents built")
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
                return
            options = {k: v for k, v in whoosh_writing.rebuild_options().items() if k != "codec"}
            load_before, started, cpu = os.getloadavg(), time.perf_counter(), cpu_seconds()
            backend = get_backend(app)
            count = maintenance.rebuild(engine, backend, parts=args.parts)
            wall, used = time.perf_counter() - started, cpu_seconds() - cpu
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            segments = len(backend._searcher().reader().leaf_readers())
            print(
                f"rebuild {count} documents {options}, {segments} segments: wall {wall:.1f} s, CPU {used:.1f} s, "
                f"writer peak RSS {peak:.0f} MB, load {load_before[0]:.1f} -> {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
