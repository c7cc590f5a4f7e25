"""kill -9 rounds under load against a real instance (HOSTILE_INPUTS G4, issue 17 item 5).

```sh
.venv/bin/python bench/reliability_crash.py                 # 30 rounds
.venv/bin/python bench/reliability_crash.py --rounds 3      # a quick look
```

One instance (``lieudit init``, SQLite in WAL mode, ``synchronous=FULL``, the
defaults but for the anti-spam fill time and the newcomers' save limit, which
would refuse the editors' saves after 30) served by ``gunicorn -w 4``. Each
round, while the server runs:

- ``--editors`` contributors save pages of their own (editor, base revision,
  post), each save with a word of its own;
- two contributors attach small files (the « Fichiers » tab), each with a
  name and content of its own;
- a moderator deletes pages, each holding a word of its own (withdrawn
  content that must never be found again);
- ``lieudit import table`` of a 2,000-row CSV into *Initiative* runs in its
  own process (committing every 100 rows), the same file every round.

At a random instant ``--min``–``--max`` s after the load began, the gunicorn
master, its workers and the import get SIGKILL together. Then, on the files:
``PRAGMA integrity_check`` and ``foreign_key_check``; every acknowledged save
(302) is in a revision, every acknowledged attachment has its row and its
file with the same SHA-256, every acknowledged deletion is deleted; files in
the uploads folder that no row names (orphans), temporary files left; the
initiatives never exceed the CSV's rows (a re-run resumes, never duplicates).
Then the server starts again (its first request replays the search outbox):
once the outbox is empty, ``lieudit search check`` (documents missing, in
excess, stale) and the JSON search API for every word of every deleted page
(withdrawn content found). After the last round, the import runs to its end
and the initiatives must equal the CSV's rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from live_site import LIEUDIT  # noqa: E402
from live_site import Client  # noqa: E402
from live_site import Site  # noqa: E402
from live_site import load_line  # noqa: E402

from bench.import_table import write_csv  # noqa: E402
from bench.run_context import start_run  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402

CSV_ROWS = 2000
WITHDRAWABLE = 400


def word(prefix: str, number: int) -> str:
    """A word of letters only, unique to ``number``: ``prefix`` then ``number`` in base 26."""
    letters = ""
    for _ in range(5):
        number, digit = divmod(number, 26)
        letters = chr(97 + digit) + letters
    return prefix + letters


class Load:
    """The writes of one round, and what the server acknowledged."""

    def __init__(self, site: Site, editors: int, round_no: int, deletable: list[int]) -> None:
        """Prepare the round's clients; nothing is sent yet."""
        self.site, self.editors, self.round_no, self.deletable = site, editors, round_no, deletable
        self.stop = threading.Event()
        self.saved: list[str] = []
        self.attached: list[tuple[str, str]] = []
        self.deleted: list[int] = []
        self.answers: Counter[str] = Counter()
        self.lock = threading.Lock()

    def _note(self, what: str) -> None:
        with self.lock:
            self.answers[what] += 1

    def _editor(self, number: int) -> None:
        client = Client(self.site.port, timeout=20)
        try:
            client.login(f"Rédacteur {number}", PASSWORD)
            count = 0
            while not self.stop.is_set():
                count += 1
                tag = word("zs", (self.round_no * 100 + number) * 1000 + count)
                fields, text = client.editor(f"carnet-{number}")
                lines = text.split("\n")
                lines[count % 10] = f"Note {tag} du tour {self.round_no}."
                status = client.post_form(f"/pages/carnet-{number}/edit", fields | {"body": "\n".join(lines)})[0]
                self._note(f"save {status}")
                if status == 302:
                    with self.lock:
                        self.saved.append(tag)
        except Exception as err:  # noqa: BLE001 - the kill breaks connections: counted, not raised
            self._note(f"save broken ({type(err).__name__})")

    def _uploader(self, number: int) -> None:
        client = Client(self.site.port, timeout=20)
        try:
            client.login(f"Déposant {number}", PASSWORD)
            count = 0
            while not self.stop.is_set():
                count += 1
                name = f"piece-{self.round_no}-{number}-{count}.txt"
                data = f"Pièce jointe {name}\n".encode() * 200
                fields = client.form(f"/pages/carnet-{number}/files")
                status = client.post_file(f"/pages/carnet-{number}/files", fields, name, data, "text/plain")[0]
                self._note(f"attach {status}")
                if status == 302:
                    with self.lock:
                        self.attached.append((name, hashlib.sha256(data).hexdigest()))
        except Exception as err:  # noqa: BLE001
            self._note(f"attach broken ({type(err).__name__})")

    def _moderator(self) -> None:
        client = Client(self.site.port, timeout=20)
        try:
            client.login("Modératrice", PASSWORD)
            while not self.stop.is_set() and self.deletable:
                number = self.deletable.pop()
                fields = client.form(f"/pages/a-retirer-{number}/delete")
                status = client.post_form(f"/pages/a-retirer-{number}/delete", fields)[0]
                self._note(f"delete {status}")
                if status == 302:
                    with self.lock:
                        self.deleted.append(number)
                time.sleep(0.3)
        except Exception as err:  # noqa: BLE001
            self._note(f"delete broken ({type(err).__name__})")

    def run(self, csv_path: Path, kill_after: float) -> None:
        """Start every writer and the import, kill the lot after ``kill_after`` s, wait for the writers."""
        env = {**os.environ, **self.site.env, "LIEUDIT_IMPORT_COMMIT_EVERY": "100"}
        importer = subprocess.Popen(
            [LIEUDIT, "import", "table", str(csv_path), "--form", "initiative"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        threads = [threading.Thread(target=self._editor, args=(n,)) for n in range(self.editors)]
        threads += [threading.Thread(target=self._uploader, args=(n,)) for n in range(2)]
        threads.append(threading.Thread(target=self._moderator))
        for thread in threads:
            thread.start()
        time.sleep(kill_after)
        self.site.kill()
        if importer.poll() is None:
            os.killpg(importer.pid, signal.SIGKILL)
            self._note("import killed")
        else:
            self._note(f"import ended {importer.returncode}")
        importer.wait()
        self.stop.set()
        for thread in threads:
            thread.join()


def check_files(site: Site, load: Load) -> dict[str, int]:
    """What the database and the uploads folder hold after the kill, against what was acknowledged."""
    integrity = site.sql("PRAGMA integrity_check")
    foreign = site.sql("PRAGMA foreign_key_check")
    bodies = "\n".join(row[0] for row in site.sql("SELECT body FROM page_revisions"))
    rows = {
        name: (stored, sha) for name, stored, sha in site.sql("SELECT filename, stored_name, sha256 FROM attachments")
    }
    lost_files = 0
    for name, sha in load.attached:
        stored = rows.get(name)
        path = site.uploads / stored[0][:2] / stored[0] if stored else None
        if stored is None or stored[1] != sha or path is None or not path.exists():
            lost_files += 1
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            lost_files += 1
    stored_names = {stored for stored, _ in rows.values()}
    on_disk = [p for p in site.uploads.rglob("*") if p.is_file()] if site.uploads.exists() else []
    deleted = {row[0] for row in site.sql("SELECT slug FROM pages WHERE deleted_at IS NOT NULL")}
    initiatives = site.sql("SELECT count(*) FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'initiative'")
    return {
        "integrity not ok": 0 if integrity == [("ok",)] else 1,
        "foreign key violations": len(foreign),
        "acknowledged saves lost": sum(1 for tag in load.saved if tag not in bodies),
        "acknowledged files lost": lost_files,
        "acknowledged deletions lost": sum(1 for n in load.deleted if f"a-retirer-{n}" not in deleted),
        "orphan files": sum(1 for p in on_disk if p.name not in stored_names and not p.name.startswith(".")),
        "temporary files left": sum(1 for p in on_disk if p.name.startswith(".")),
        "initiatives above the CSV rows": max(0, initiatives[0][0] - CSV_ROWS),
    }


def check_index(site: Site, deleted: list[int], timeout: float = 180.0) -> dict[str, int]:
    """After the restart: wait for the outbox to empty, then compare the index with the database."""
    deadline = time.monotonic() + timeout
    while site.sql("SELECT count(*) FROM search_outbox")[0][0] and time.monotonic() < deadline:
        time.sleep(0.5)
    pending = site.sql("SELECT count(*) FROM search_outbox")[0][0]
    out = site.lieudit("search", "check", check=False).stdout
    counts = re.search(r"(\d+) manquants, (\d+) en trop, (\d+) périmés", out)
    missing, extra, stale = map(int, counts.groups()) if counts else (0, 0, 0)
    client, found = Client(site.port), 0
    for number in deleted:  # the word may match other pages once stemmed: look for the page itself
        answer = json.loads(client.request("GET", f"/api/v1/search?q={word('zr', number)}&limit=100")[2])
        found += any(item["url"].endswith(f"/pages/a-retirer-{number}") for item in answer.get("items", []))
    client.close()
    return {"outbox left": pending, "index missing": missing, "index in excess": extra, "index stale": stale,
            "withdrawn pages found by search": found}  # fmt: skip


def main() -> None:
    """Run the rounds and print one line per round, then the totals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--editors", type=int, default=6)
    parser.add_argument("--min", type=float, default=1.0, help="earliest kill, s after the load began")
    parser.add_argument("--max", type=float, default=6.0, help="latest kill")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    start_run("reliability_crash", "kill -9 under load (G4, item 5)")
    rng = random.Random(args.seed)
    totals: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="lieudit-crash-") as tmp:
        folder = Path(tmp)
        accounts = [(f"Rédacteur {n}", "contributor") for n in range(args.editors)]
        accounts += [("Déposant 0", "contributor"), ("Déposant 1", "contributor"), ("Modératrice", "moderator")]
        pages = [(f"Carnet {n}", "\n".join(f"Ligne {k}." for k in range(12)) + "\n") for n in range(args.editors)]
        pages += [(f"À retirer {n}", f"Texte à retirer {word('zr', n)}.\n") for n in range(WITHDRAWABLE)]
        site = Site(folder / "site", settings={"LIEUDIT_RATE_LIMIT_NEWCOMER": "0"}).create(accounts, pages)
        csv_path = folder / "initiatives.csv"
        write_csv(csv_path, CSV_ROWS)
        deletable = list(range(WITHDRAWABLE))
        all_deleted: list[int] = []
        site.start()
        try:
            for round_no in range(1, args.rounds + 1):
                load = Load(site, args.editors, round_no, deletable)
                kill_after = rng.uniform(args.min, args.max)
                load.run(csv_path, kill_after)
                figures = check_files(site, load)
                all_deleted += load.deleted
                site.start()
                figures |= check_index(site, all_deleted)
                totals.update(figures)
                totals.update(load.answers)
                acked = f"{len(load.saved)} saves, {len(load.attached)} files, {len(load.deleted)} deletions"
                bad = {k: v for k, v in figures.items() if v}
                print(f"round {round_no}: killed at {kill_after:.1f} s; acknowledged {acked}; problems {bad or 'none'}; "
                      f"{load_line()}", flush=True)  # fmt: skip
            site.stop()
            done = subprocess.run([LIEUDIT, "import", "table", str(csv_path), "--form", "initiative"],
                                  env={**os.environ, **site.env}, capture_output=True, text=True)  # fmt: skip
            final = site.sql(
                "SELECT count(*) FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'initiative'"
            )
            print(f"\nfinal import: exit {done.returncode}, {final[0][0]} initiatives for {CSV_ROWS} rows")
        finally:
            site.stop()
        print(f"\n## Totals over {args.rounds} rounds\n" + "\n".join(f"- {k}: {v}" for k, v in sorted(totals.items())))
        print(f"- {load_line()}\n- gunicorn log: {site.log_problems()}")


if __name__ == "__main__":
    main()
