"""In-process profile of a page save: SQL statements in order (where the write lock begins) and cProfile.

```sh
.venv/bin/python bench/save_profile.py              # 200 pages, 200 saves by a moderator
.venv/bin/python bench/save_profile.py --saves 500 --top 40
```

Logs in through the real form and posts the real editor form with the Flask
test client (no HTTP, one thread), on a fresh SQLite instance made by
``compare_setup.lieudit_instance``. Prints the statements of one save (the
first ``BEGIN`` says what kind of transaction the request took), the wall time
per save (CPU, median, without the profiler) and the cProfile of the saves' POSTs, by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import compare_setup as setup  # noqa: E402
from sql_counter import SQLCounter  # noqa: E402


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden inputs of the page's forms."""
    return {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def main() -> None:
    """Build an instance, log in, save N times under the profiler, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    from wiki import create_app
    from wiki.db import Database

    with tempfile.TemporaryDirectory(prefix="lieudit-save-") as tmp:
        inst = setup.lieudit_instance(Path(tmp), args.pages, 20)
        config = {key.removeprefix("LIEUDIT_"): value for key, value in inst.env.items()}
        app = create_app({**config, "FORM_MIN_SECONDS": 0})
        client = app.test_client()
        form = hidden_fields(client.get("/-/connexion").get_data(as_text=True))
        client.post("/-/connexion", data={**form, "name": "banc", "password": setup.PASSWORD})
        profile = cProfile.Profile()  # enabled for the POSTs only, not the editor fetched before each
        spent: list[float] = []

        def save(n: int, profiled: bool = True) -> int:
            html = client.get(f"/pages/{setup.SAVE_SLUG}/edit").get_data(as_text=True)  # the current base
            form, body = hidden_fields(html), re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S)
            assert body is not None
            data = {**form, "comment": f"banc {n}", "body": f"{body.group(1)}\n\nModifié {n}"}
            started = time.process_time()
            if profiled:
                profile.enable()
            try:
                return client.post(f"/pages/{setup.SAVE_SLUG}/edit", data=data).status_code
            finally:
                profile.disable()
                spent.append(time.process_time() - started)

        counter = SQLCounter(Database.engine(app), keep=True)
        count, statements, status = counter.run(save, 0, False)
        print(f"# one save (the editor's statements first): HTTP {status}, {count} statements")
        for number, statement in enumerate(statements, 1):
            print(f"{number:3} {statement[:150]}")
        counter.close()
        unprofiled = [save(n, False) for n in range(1, 51)]
        cpu = sorted(spent[-50:])[25] * 1000
        codes = [save(n) for n in range(51, args.saves + 51)]
        print(f"# CPU of a POST, median of 50 without the profiler: {cpu:.2f} ms; answers {set(unprofiled + codes)}")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        app.extensions["lieudit.search"].close()


if __name__ == "__main__":
    main()
