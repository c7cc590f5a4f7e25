"""Benchmark: ``lieudit import mediawiki`` of a generated dump — time and peak memory at two sizes.

Target (issue 13): a MediaWiki dump of 10,000 pages × 3 revisions imported in
under 60 s, peak RSS under 200 MB and constant in the size of the dump.

What it does, for each size asked (``--pages``, then ``--also``):

1. Writes a MediaWiki XML export (schema 0.11) of N pages in the main
   namespace with ``--revisions`` revisions each (≈ 1.5 KB of French wikitext
   per revision: headings, bold and italic, internal and external links,
   lists, a simple table, a template, a category; one author in five an IP
   address), plus one category page; the text is deterministic.
2. Creates a fresh instance in a temporary folder (``lieudit init``, SQLite,
   the caller's ``LIEUDIT_*`` settings dropped).
3. Runs the real command, ``lieudit import mediawiki DUMP.xml``, in a child
   process and reads that child's wall time, CPU time (user + system: steadier
   than the wall time on a busy machine) and peak RSS (``ru_maxrss`` from
   ``os.wait4``: the child alone, the Python start-up and app creation
   included).
4. Checks the database: pages and revisions written, no IP address kept.

Run from the repository root: ``.venv/bin/python bench/import_mediawiki.py``
(about two minutes: 10,000 then 2,000 pages); ``--pages 1000 --also 0`` for
a smoke test. The temporary folders are removed at the end, on errors and on
Ctrl-C.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.child_import import fresh_instance  # noqa: E402
from bench.child_import import run_import  # noqa: E402
from bench.child_import import verdict  # noqa: E402
from bench.run_context import start_run  # noqa: E402

PLACES = ["Redon", "Bains-sur-Oust", "La Gacilly", "Allaire", "Saint-Nicolas-de-Redon", "Peillac", "Malansac"]
WORDS = ("la maison des associations accueille le marché du samedi matin près du port et de la gare ; "
         "les bénévoles organisent des ateliers de réparation de vélos, une grainothèque et des balades "
         "le long du canal de Nantes à Brest").split()  # fmt: skip


def wikitext(rng: random.Random, number: int, version: int) -> str:
    """≈ 1.5 KB of wikitext for page ``number``, revision ``version``."""
    place = PLACES[number % len(PLACES)]

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "."

    return "\n".join([
        f"{{{{Infobox lieu|nom=Lieu {number}|commune={place}}}}}",
        f"'''Lieu {number}''' est un lieu de [[{place}]], ''version {version}''. {sentence()}",
        "== Présentation ==", " ".join(sentence() for _ in range(4)),
        "* [[Lieu " + str((number + 1) % 1000) + "|le lieu voisin]]", "* [https://exemple.fr/lieux/" + str(number) + " son site]",
        "# " + sentence(), "# " + sentence(),
        "== Horaires ==", "{| class=\"wikitable\"", "! Jour !! Heures", "|-", "| Samedi || 9 h – 12 h", "|}",
        "=== Accès ===", sentence() + "<ref>Plan de " + place + ".</ref>", " ".join(sentence() for _ in range(3)),
        "[[Catégorie:Lieux de " + place + "]]",
    ])  # fmt: skip


def write_dump(path: Path, pages: int, revisions: int) -> None:
    """Write the export, streamed to disk."""
    rng = random.Random(13)
    with path.open("w", encoding="utf-8") as out:
        out.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="fr">\n'
                  "<siteinfo><sitename>Wiki du Pays de Redon</sitename><dbname>benchwiki</dbname>"
                  "<base>https://wiki.exemple.fr/wiki/Accueil</base><namespaces>"
                  '<namespace key="0"/><namespace key="14">Catégorie</namespace></namespaces></siteinfo>\n')  # fmt: skip
        for number in range(pages):
            out.write(f"<page><title>Lieu {number}</title><ns>0</ns><id>{number + 1}</id>\n")
            for version in range(revisions):
                rid = number * revisions + version + 1
                who = (f"<ip>192.0.2.{rid % 250}</ip>" if rid % 5 == 0 else
                       f"<username>Contributrice {rid % 97}</username><id>{rid % 97}</id>")  # fmt: skip
                when = f"20{10 + version:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}T10:{number % 60:02d}:00Z"
                out.write(f"<revision><id>{rid}</id><timestamp>{when}</timestamp><contributor>{who}</contributor>"
                          f"<comment>modification {version}</comment><model>wikitext</model>"
                          f"<format>text/x-wiki</format><text xml:space=\"preserve\">"
                          f"{escape(wikitext(rng, number, version))}</text></revision>\n")  # fmt: skip
            out.write("</page>\n")
        out.write("<page><title>Catégorie:Lieux de Redon</title><ns>14</ns><id>999999</id><revision><id>9999999</id>"
                  "<timestamp>2010-01-01T00:00:00Z</timestamp><contributor><username>Admin</username></contributor>"
                  "<text>Les lieux de Redon.</text></revision></page>\n</mediawiki>\n")  # fmt: skip


def measure(pages: int, revisions: int) -> dict[str, float | str]:
    """Generate, import and check one size; return its figures."""
    with tempfile.TemporaryDirectory(prefix="lieudit-bench-mw-") as tmp:
        folder = Path(tmp)
        dump = folder / "dump.xml"
        write_dump(dump, pages, revisions)
        database = fresh_instance(folder)
        run = run_import(["mediawiki", str(dump)])
        elapsed, cpu, peak, summary = run.seconds, run.cpu, run.peak_mb, run.summary
        db = sqlite3.connect(database)
        written = db.execute("SELECT count(*) FROM pages").fetchone()[0]
        history = db.execute("SELECT count(*) FROM page_revisions").fetchone()[0]
        leaked = db.execute("SELECT count(*) FROM page_revisions WHERE imported_author LIKE '192.0.2.%' "
                            "OR body LIKE '%192.0.2.%'").fetchone()[0]  # fmt: skip
        db.close()
        return {"pages": pages, "revisions": pages * revisions, "dump_mb": dump.stat().st_size / 1e6,
                "seconds": elapsed, "cpu": cpu, "peak_mb": peak, "pages_written": written, "revisions_written": history,
                "ip_kept": leaked, "summary": summary}  # fmt: skip


def main() -> None:
    """Measure each size, print a Markdown table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="pages of the main dump (10,000)")
    parser.add_argument("--also", type=int, default=2_000, help="pages of the second dump, 0 for none (2,000)")
    parser.add_argument("--revisions", type=int, default=3, help="revisions per page (3)")
    options = parser.parse_args()
    start_run("import_mediawiki", "MediaWiki import")
    sizes = [n for n in (options.pages, options.also) if n]
    rows = [measure(n, options.revisions) for n in sizes]
    print(
        "\n| pages | revisions | dump | time | CPU | pages/s | peak RSS | pages written | revisions written | IPs kept |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['pages']:,} | {r['revisions']:,} | {r['dump_mb']:.1f} MB | {r['seconds']:.1f} s | {r['cpu']:.1f} s | "
              f"{int(r['pages']) / float(r['seconds']):.0f} | {r['peak_mb']:.0f} MB | {r['pages_written']:,} | "
              f"{r['revisions_written']:,} | {r['ip_kept']} |")  # fmt: skip
    print("\n" + "\n".join(f"# {r['pages']:,} pages: {r['summary']}" for r in rows))
    main_run = rows[0]
    print(verdict(f"{main_run['pages']:,} pages", float(main_run["seconds"]), [float(r["peak_mb"]) for r in rows]))


if __name__ == "__main__":
    main()
