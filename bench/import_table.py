"""Benchmark: ``lieudit import table`` of a generated CSV into the Initiative form — time and peak memory at two sizes.

Target (issue 13): a CSV of 50,000 rows imported in under 60 s, peak RSS
under 200 MB and constant in the size of the file.

What it does, for each size asked (``--rows``, then ``--also``):

1. Writes a ``;``-separated, UTF-8-with-BOM CSV of N rows the way a French
   spreadsheet exports them: an ``Identifiant`` column (the rows' identity),
   the five required fields of *Initiative* plus a population with narrow
   no-break spaces between thousands (``12 345``), a budget with a decimal
   comma and a unit (``39 000,50 €``), a launch year, ``oui``/``non`` for
   the third place, two themes and two publics in one cell (``;`` inside a
   quoted cell, ``,`` between publics), INSEE codes of communes, a
   « latitude, longitude » place, a web address, and one column no field
   receives (kept as « autres propriétés »). Rows are deterministic.
2. Creates a fresh instance in a temporary folder (``lieudit init``, SQLite,
   the caller's ``LIEUDIT_*`` settings dropped).
3. Runs the real command, ``lieudit import table FILE --form initiative``,
   in a child process and reads that child's wall time, CPU time (user +
   system: the fairer figure on a shared machine) and peak RSS
   (``ru_maxrss`` from ``os.wait4``: the child alone, Python start-up and
   app creation included).
4. Checks the database: records written, and every one with its values
   converted (the budget as a number, the place as a point), and the
   changes left in the search outbox (0: searchable when the command returned).

Run from the repository root: ``.venv/bin/python bench/import_table.py``
(50,000 then 10,000 rows); ``--rows 1000 --also 0`` for a smoke test. The
temporary folders are removed at the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.child_import import fresh_instance  # noqa: E402
from bench.child_import import run_import  # noqa: E402
from bench.child_import import verdict  # noqa: E402
from bench.run_context import start_run  # noqa: E402

COMMUNES = ("35236", "35013", "44185", "56194", "56001")
THEMES = ("Mobilité", "Culture", "Alimentation", "Tiers-lieu", "Inclusion numérique", "Énergie")
PUBLICS = ("Jeunes", "Seniors", "Habitants", "Élus", "Associations")
HEADER = ("Identifiant", "Nom de l'initiative", "En bref", "Porteur", "Description", "Thématiques", "Publics visés",
          "Communes", "Nombre d'habitants", "Budget total", "Année de lancement", "Tiers-lieu", "Localisation",
          "Site web", "Remarque interne")  # fmt: skip


def row(number: int) -> list[str]:
    """The cells of row ``number``."""
    place = COMMUNES[number % len(COMMUNES)]
    return [
        f"INI-{number:06d}",
        f"Initiative n° {number} du Pays de Redon",
        f"Un collectif d'habitants de la commune {place} organise des ateliers ouverts à tous ({number}).",
        f"Association des habitants n° {number % 300}",
        "Des ateliers chaque semaine : réparation de vélos, grainothèque, aide au numérique.\n"
        f"Ouverts à tous, sur inscription ou non. Numéro {number}.",
        f"{THEMES[number % 6]}; {THEMES[(number + 1) % 6]}",
        f"{PUBLICS[number % 5]}, {PUBLICS[(number + 2) % 5]}",
        place,
        f"{1000 + number % 40_000:,}".replace(",", "\u202f"),
        f"{(number % 90) * 1000 + 39_000:,},50 €".replace(",", " ", 1),
        str(2000 + number % 25),
        "oui" if number % 3 == 0 else "non",
        f"{47.5 + (number % 100) / 1000:.4f}, {-2.2 + (number % 77) / 1000:.4f}",
        f"https://exemple.fr/initiatives/{number}",
        f"vu au forum {2020 + number % 5}",
    ]


def write_csv(path: Path, rows: int) -> None:
    """Write the CSV, streamed to disk."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for number in range(rows):
            writer.writerow(row(number))


def measure(rows: int) -> dict[str, float | str]:
    """Generate, import and check one size; return its figures."""
    with tempfile.TemporaryDirectory(prefix="lieudit-bench-table-") as tmp:
        folder = Path(tmp)
        source = folder / "initiatives.csv"
        write_csv(source, rows)
        database = fresh_instance(folder)
        run = run_import(["table", str(source), "--form", "initiative"])
        elapsed, cpu, peak, summary = run.seconds, run.cpu, run.peak_mb, run.summary
        db = sqlite3.connect(database)
        written = db.execute("SELECT count(*) FROM records WHERE form_id = (SELECT id FROM forms "
                             "WHERE key = 'initiative')").fetchone()[0]  # fmt: skip
        # Changes not yet in the search index when the command returned (0: the import is searchable).
        unindexed = db.execute("SELECT count(*) FROM search_outbox").fetchone()[0]
        budget, place = db.execute("SELECT data FROM records ORDER BY id DESC LIMIT 1").fetchone()[0], None
        data = json.loads(budget)
        db.close()
        budget = next((v for v in data.values() if isinstance(v, float)), None)
        place = next((v["type"] for v in data.values() if isinstance(v, dict) and "coordinates" in v), None)
        return {"rows": rows, "csv_mb": source.stat().st_size / 1e6, "seconds": elapsed, "cpu": cpu, "peak_mb": peak,
                "written": written, "summary": f"{summary} ; search outbox left: {unindexed}", "checked": f"budget {budget}, {place}"}  # fmt: skip


def main() -> None:
    """Measure each size, print a Markdown table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the main file (50,000)")
    parser.add_argument("--also", type=int, default=10_000, help="rows of the second file, 0 for none (10,000)")
    options = parser.parse_args()
    start_run("import_table", "spreadsheet import")
    results = [measure(n) for n in (options.rows, options.also) if n]
    print("\n| rows | CSV | time | CPU | rows/s | peak RSS | records written | last record |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['rows']:,} | {r['csv_mb']:.1f} MB | {r['seconds']:.1f} s | {r['cpu']:.1f} s | "
              f"{int(r['rows']) / float(r['seconds']):.0f} | {r['peak_mb']:.0f} MB | {r['written']:,} | "
              f"{r['checked']} |")  # fmt: skip
    print("\n" + "\n".join(f"# {r['rows']:,} rows: {r['summary']}" for r in results))
    main_run = results[0]
    print(verdict(f"{main_run['rows']:,} rows", float(main_run["seconds"]), [float(r["peak_mb"]) for r in results]))


if __name__ == "__main__":
    main()
