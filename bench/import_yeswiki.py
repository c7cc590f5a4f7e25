"""Benchmark: ``lieudit import yeswiki`` of a generated MySQL dump — time and peak memory at two sizes.

Target (issue 13): a YesWiki dump of 2,000 pages + 5,000 Bazar entries
imported in under 60 s, peak RSS under 200 MB and constant in the dump's size.

What it does, for each size asked (``--pages``/``--entries``, then the same
divided by ``--ratio``):

1. Writes a dump as mysqldump does (``yeswiki_`` prefix, ``CREATE TABLE``
   then multi-row ``INSERT`` s without column lists): N pages in YesWiki
   syntax with ``--versions`` versions each (≈ 1.2 KB a version: headings,
   bold and italic, links, WikiNames, lists, a table, an action, a Bazar
   view), three Bazar forms (a directory with a list and a map, an agenda
   with start and end dates, resources linking to the directory) sharing the
   entries, one Bazar list, the triples, 50 accounts; deterministic text.
2. Creates a fresh instance in a temporary folder (``lieudit init``, SQLite,
   the caller's ``LIEUDIT_*`` settings dropped).
3. Runs the real command, ``lieudit import yeswiki DUMP.sql``, in a child
   process and reads that child's wall time, CPU time (user + system: what the
   import costs, whatever else the machine runs) and peak RSS (``ru_maxrss``
   from ``os.wait4``: the child alone, Python start-up and app creation included).
4. Checks the database: records, pages and page revisions written.

Run from the repository root: ``.venv/bin/python bench/import_yeswiki.py``
(about two minutes); ``--pages 200 --entries 500 --ratio 0`` for a smoke
test. The temporary folders are removed at the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.child_import import fresh_instance  # noqa: E402
from bench.child_import import run_import  # noqa: E402
from bench.child_import import verdict  # noqa: E402
from bench.run_context import start_run  # noqa: E402

ROWS_PER_INSERT = 100
PLACES = ["Redon", "Bains-sur-Oust", "La Gacilly", "Allaire", "Saint-Nicolas-de-Redon", "Peillac", "Malansac"]
WORDS = ("la maison des associations accueille le marché du samedi matin près du port et de la gare ; "
         "les bénévoles organisent des ateliers de réparation de vélos, une grainothèque et des balades "
         "le long du canal de Nantes à Brest").split()  # fmt: skip
FORMS = {
    1: ("Annuaire", "texte***bf_titre***Nom***60***255*** *** ***text***1\nchamps_mail***bf_mail***Courriel\n"
        "checkbox***ListeThemes***Thèmes*** *** *** *** *** ***0\ntexte***bf_ville***Ville\n"
        "carte_google***bf_latitude***bf_longitude*** *** ***"),
    2: ("Agenda", "texte***bf_titre***Titre***60***255*** *** ***text***1\ntextelong***bf_description***Description"
        "***5***5*** *** ***wiki\njour***bf_date_debut_evenement***Début*** *** ***1\n"
        "jour***bf_date_fin_evenement***Fin*** *** ***1\nlabelhtml***<h3>Merci</h3>*** *** ***"),
    3: ("Ressources", "texte***bf_titre***Titre***60***255*** *** ***text***1\nlien_internet***bf_url***Site\n"
        "listefiche***1***Auteur*** *** *** *** *** ***0\nimage***bf_image***Image"),
}  # fmt: skip
COLUMNS = {
    "pages": ("id", "tag", "time", "body", "body_r", "owner", "user", "latest", "handler", "comment_on"),
    "nature": ("bn_id_nature", "bn_label_nature", "bn_template"),
    "triples": ("id", "resource", "property", "value"),
    "users": ("name", "password", "email", "signuptime"),
}
THEMES = {"1": "Mobilité", "2": "Culture", "3": "Alimentation", "4": "Numérique"}


def sql(value: object) -> str:
    """A MySQL literal, escaped as mysqldump does."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{text}'"


def page_text(rng: random.Random, number: int, version: int) -> str:
    """≈ 1.2 KB of YesWiki syntax for page ``number``, version ``version``."""
    place = PLACES[number % len(PLACES)]

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."

    return "\n".join([
        f"======Lieu {number} à {place}======", f"**Version {version}** //mise à jour// : {sentence()}",
        "====Présentation====", " ".join(sentence() for _ in range(3)),
        f" - [[PageLieu{(number + 1) % 1000} le lieu voisin]]", f" - [[https://exemple.fr/lieux/{number} son site]]",
        "  - voir aussi PagePrincipale", " 1) " + sentence(), " 2) " + sentence(),
        "[|", "| **Jour** | **Heures** |", "| Samedi | 9 h – 12 h |", "|]",
        "===Agenda===", '{{bazarliste id="2" template="agenda.tpl.html"}}', "{{recentchanges}}",
        '""<span class="label">' + place + '</span>""', sentence(), "%%code " + str(number) + "%%",
    ])  # fmt: skip


def entry_values(rng: random.Random, number: int) -> dict[str, str]:
    """The JSON values of entry ``number`` (forms taken in turn)."""
    form = 1 + number % 3
    values = {"id_fiche": f"Fiche{number}", "id_typeannonce": str(form), "createur": f"Membre{number % 50}",
              "date_creation_fiche": f"2022-{1 + number % 12:02d}-{1 + number % 28:02d} 10:00:00",
              "statut_fiche": "1" if number % 10 else "0", "bf_titre": f"Fiche {number} {PLACES[number % 7]}"}  # fmt: skip
    if form == 1:
        values |= {"bf_mail": f"contact{number}@exemple.fr", "checkboxListeThemes": f"{1 + number % 4},{1 + number % 3}",
                   "bf_ville": PLACES[number % 7], "bf_latitude": f"{47.6 + rng.random() / 10:.5f}",
                   "bf_longitude": f"{-2.1 + rng.random() / 10:.5f}"}  # fmt: skip
    elif form == 2:
        day = 1 + number % 27
        values |= {"bf_description": " ".join(rng.choice(WORDS) for _ in range(40)) + "\n**important**",
                   "bf_date_debut_evenement": f"2024-05-{day:02d}", "bf_date_debut_evenement_allday": "1",
                   "bf_date_fin_evenement": f"2024-05-{day + 1:02d}", "bf_date_fin_evenement_allday": "1"}  # fmt: skip
    else:
        values |= {"bf_url": f"https://exemple.fr/ressources/{number}", "listefiche1": f"Fiche{number - number % 3 - 2}",
                   "imagebf_image": f"Fiche{number}_photo.jpg"}  # fmt: skip
    return values


def write_dump(path: Path, pages: int, entries: int, versions: int) -> None:
    """Write the dump, streamed to disk, as mysqldump would."""
    rng = random.Random(13)
    with path.open("w", encoding="utf-8") as out:
        out.write("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n")
        for table, names in COLUMNS.items():
            body = ",\n".join(f"  `{name}` text NOT NULL" for name in names)
            out.write(f"DROP TABLE IF EXISTS `yeswiki_{table}`;\nCREATE TABLE `yeswiki_{table}` (\n{body}\n) "
                      "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")  # fmt: skip
        _insert(out, "nature", [(i, label, template) for i, (label, template) in FORMS.items()])
        rows: list[tuple[object, ...]] = []
        ident = 0
        for number in range(pages):
            for version in range(versions):
                ident += 1
                when = f"20{18 + version:02d}-{1 + number % 12:02d}-{1 + number % 28:02d} 10:{number % 60:02d}:00"
                rows.append((ident, f"PageLieu{number}", when, page_text(rng, number, version), "", "Admin",
                             f"Contributrice{ident % 97}", "Y" if version == versions - 1 else "N", "page", ""))  # fmt: skip
            if len(rows) >= ROWS_PER_INSERT:
                _insert(out, "pages", rows)
                rows = []
        liste = json.dumps({"label": THEMES, "titre_liste": "Thèmes"})
        rows.append((ident + 1, "ListeThemes", "2021-01-01 00:00:00", liste, "", "Admin", "Admin", "Y", "page", ""))
        for number in range(entries):
            body = json.dumps(entry_values(rng, number))
            rows.append((ident + 2 + number, f"Fiche{number}", "2023-01-01 12:00:00", body, "", "Admin",
                         f"Membre{number % 50}", "Y", "page", ""))  # fmt: skip
            if len(rows) >= ROWS_PER_INSERT:
                _insert(out, "pages", rows)
                rows = []
        _insert(out, "pages", rows)
        triples = [(1, "ListeThemes", "http://outils-reseaux.org/_vocabulary/type", "liste")]
        triples += [
            (2 + n, f"Fiche{n}", "http://outils-reseaux.org/_vocabulary/type", "fiche_bazar") for n in range(entries)
        ]
        for start in range(0, len(triples), ROWS_PER_INSERT):
            _insert(out, "triples", triples[start : start + ROWS_PER_INSERT])
        _insert(
            out, "users", [(f"Membre{n}", "x" * 32, f"membre{n}@exemple.fr", "2020-01-01 00:00:00") for n in range(50)]
        )


def _insert(out: TextIO, table: str, rows: Sequence[Sequence[object]]) -> None:
    if rows:
        values = ",".join("(" + ",".join(sql(v) for v in row) + ")" for row in rows)
        out.write(f"INSERT INTO `yeswiki_{table}` VALUES {values};\n")


def measure(pages: int, entries: int, versions: int) -> dict[str, float | str]:
    """Generate, import and check one size; return its figures."""
    with tempfile.TemporaryDirectory(prefix="lieudit-bench-yw-") as tmp:
        folder = Path(tmp)
        dump = folder / "dump.sql"
        write_dump(dump, pages, entries, versions)
        database = fresh_instance(folder)
        run = run_import(["yeswiki", str(dump)])
        elapsed, cpu, peak, summary = run.seconds, run.cpu, run.peak_mb, run.summary
        db = sqlite3.connect(database)
        records = db.execute("SELECT count(*) FROM records").fetchone()[0]
        written = db.execute("SELECT count(*) FROM pages WHERE title LIKE 'PageLieu%'").fetchone()[0]
        history = db.execute("SELECT count(*) FROM page_revisions WHERE action = 'import'").fetchone()[0]
        db.close()
        return {"pages": pages, "entries": entries, "dump_mb": dump.stat().st_size / 1e6, "seconds": elapsed,
                "cpu": cpu, "peak_mb": peak, "records": records, "pages_written": written, "revisions_written": history,
                "summary": summary}  # fmt: skip


def main() -> None:
    """Measure each size, print a Markdown table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2_000, help="pages of the main dump (2,000)")
    parser.add_argument("--entries", type=int, default=5_000, help="Bazar entries of the main dump (5,000)")
    parser.add_argument("--versions", type=int, default=3, help="versions per page (3)")
    parser.add_argument("--ratio", type=int, default=5, help="the second dump is this many times smaller, 0: none (5)")
    options = parser.parse_args()
    start_run("import_yeswiki", "YesWiki import")
    sizes = [(options.pages, options.entries)]
    if options.ratio:
        sizes.append((options.pages // options.ratio, options.entries // options.ratio))
    rows = [measure(pages, entries, options.versions) for pages, entries in sizes]
    print(
        "\n| pages | entries | dump | time | CPU time | peak RSS | records written | pages written | page revisions |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['pages']:,} | {r['entries']:,} | {r['dump_mb']:.1f} MB | {r['seconds']:.1f} s | {r['cpu']:.1f} s | "
              f"{r['peak_mb']:.0f} MB | {r['records']:,} | {r['pages_written']:,} | {r['revisions_written']:,} |")  # fmt: skip
    print("\n" + "\n".join(f"# {r['pages']:,} pages, {r['entries']:,} entries: {r['summary']}" for r in rows))
    main_run = rows[0]
    what = f"{main_run['pages']:,} pages + {main_run['entries']:,} entries"
    print(verdict(what, float(main_run["seconds"]), [float(r["peak_mb"]) for r in rows]))


if __name__ == "__main__":
    main()
