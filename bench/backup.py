"""Backup and restore drill at scale (issue 17, HOSTILE_INPUTS G7): ``lieudit backup`` under a save load, then ``lieudit restore``.

The instance: 10,000 pages and 10,000 initiatives of about 3 KB of French
(``search_data.load``, bulk SQL) and 200 MB of attached files (random bytes:
nothing compresses), on SQLite or on a PostgreSQL server this script starts
(``--backend sqlite|postgresql|both``, ``--docs N``, ``--uploads-mb N``).

1. ``lieudit backup DIR`` runs in a child process while another child saves a
   page every 0.2 s (G3's rate for one editor; a new page and a new revision
   of a shared one per save) through the real services; the backup's wall
   time and CPU time (its own and its children's, ``pg_dump`` included:
   ``os.wait4``) are measured, and the saves made meanwhile counted.
2. The restore drill: ``lieudit restore DIR`` into a fresh instance (a new
   SQLite file, or a new database on the same server), timed the same way:
   checksums, database, files, settings, search index rebuilt.
3. The restored copy is checked: ``PRAGMA integrity_check`` and
   ``foreign_key_check`` (SQLite), and every table's rows equal to the
   manifest's count (both).

Prints one line per figure, with the load average; the extrapolation to
G7's 1 GB instance is in ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from instances import migrated_app  # noqa: E402
from run_context import start_run  # noqa: E402
from search_data import load  # noqa: E402

LIEUDIT = Path(sys.executable).with_name("lieudit")
WRITER = """
import sys, time
from pathlib import Path
from wiki import create_app
from wiki.db import Database
from wiki.auth import services as accounts
from wiki.pages import services as pages
from wiki.pages.models import Page

stop = Path(sys.argv[1])
app = create_app()
saves = errors = 0
with app.app_context():
    db = Database.new_session()
    author = accounts.create_user(db, name="Charge", password="motdepasse-solide", role="contributor",
                                  settings=accounts.Settings(hash_method="pbkdf2:sha256:1000"))
    shared = pages.create_page(db, title="Page partagée", body="0\\n", comment="", actor=author, policy="account").page
    db.commit()
    while not stop.exists():
        try:
            pages.create_page(db, title=f"Charge {saves}", body=f"n°{saves}\\n", comment="", actor=author, policy="account")
            page = db.get(Page, shared.id)
            pages.save_page(db, page, body=f"{saves}\\n", comment="", actor=author,
                            base_revision_id=page.current_revision_id, policy="account")
            db.commit()
            saves += 1
        except Exception as err:
            db.rollback()
            errors += 1
            print(repr(err), file=sys.stderr)
        time.sleep(0.2)
print(saves, errors)
"""


def _env(url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIEUDIT_")}
    return env | {
        "LIEUDIT_DATABASE_URL": url,
        "LIEUDIT_INSTANCE_PATH": str(instance),
        "LIEUDIT_SECRET_KEY": "bench",
        "LIEUDIT_SEARCH_INDEX_IN_BACKGROUND": "false",
        "LIEUDIT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def _cpu_children() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_uploads(root: Path, megabytes: int) -> int:
    """Write ``megabytes`` MB of incompressible files of 1 MB into the uploads folder; return bytes."""
    total = 0
    for n in range(megabytes):
        folder = root / f"{n % 256:02x}"
        folder.mkdir(parents=True, exist_ok=True)
        data = os.urandom(1_000_000)
        (folder / f"fichier-{n:05d}.bin").write_bytes(data)
        total += len(data)
    return total


def size_of(path: Path) -> int:
    """Bytes of a file or of every file under a folder."""
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_restored(url: str, manifest: dict[str, Any]) -> str:
    """Integrity (SQLite) and row counts against the manifest; return a one-line verdict."""
    from sqlalchemy import create_engine

    verdict = []
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        verdict.append("integrity_check " + conn.execute("PRAGMA integrity_check").fetchone()[0])
        verdict.append(f"foreign_key_check {len(conn.execute('PRAGMA foreign_key_check').fetchall())} rows")
        conn.close()
    engine = create_engine(url)
    with engine.connect() as conn:
        wrong = [
            t
            for t, n in manifest["tables"].items()
            if conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() != n
        ]
    engine.dispose()
    verdict.append(
        f"row counts equal to the manifest in {len(manifest['tables']) - len(wrong)}/{len(manifest['tables'])} tables"
    )
    return ", ".join(verdict)


def run(backend: str, docs: int, uploads_mb: int, tmp: Path) -> dict[str, Any]:
    """Build the instance, back it up under load, restore it into a fresh one; return the figures."""
    postgresql = backend == "postgresql"
    with migrated_app(postgresql, tmp, SEARCH_BACKEND="whoosh", SEARCH_INDEX_IN_BACKGROUND=False) as (app, url, server):
        from wiki.db import Database
        from wiki.demo import seed

        with app.app_context():
            session = Database.new_session()
            seed(session)
            session.commit()
            session.close()
        load(app, docs)
        app.extensions["lieudit.search"].close()
        Database.engine(app).dispose()
        instance = Path(app.instance_path)
        uploaded = write_uploads(instance / "uploads", uploads_mb)
        database_bytes = size_of(tmp / "lieudit.db") if not postgresql else None
        env = _env(url, instance)

        stop = tmp / "stop-writer"
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop)], env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(3)  # the writer is saving
        load_before = os.getloadavg()[0]
        cpu0 = _cpu_children()
        t0 = time.perf_counter()
        backup = subprocess.run(
            [str(LIEUDIT), "backup", str(tmp / "sauvegarde")], env=env, capture_output=True, text=True
        )
        backup_wall = time.perf_counter() - t0
        backup_cpu = _cpu_children() - cpu0
        time.sleep(1)
        stop.touch()
        saves, errors = (int(x) for x in writer.communicate(timeout=60)[0].split())
        if backup.returncode:
            raise SystemExit(backup.stdout + backup.stderr)
        manifest = json.loads((tmp / "sauvegarde" / "manifest.json").read_text())

        if postgresql:
            target_url = server.create_database("lieudit_restored")
        else:
            target_url = f"sqlite:///{tmp / 'restored.db'}"
        target_env = _env(target_url, tmp / "restored-instance")
        load_restore = os.getloadavg()[0]
        cpu0 = _cpu_children()
        t0 = time.perf_counter()
        restore = subprocess.run(
            [str(LIEUDIT), "restore", str(tmp / "sauvegarde")], env=target_env, capture_output=True, text=True
        )
        restore_wall = time.perf_counter() - t0
        restore_cpu = _cpu_children() - cpu0
        if restore.returncode:
            raise SystemExit(restore.stdout + restore.stderr)
        return {
            "backend": backend,
            "docs": docs,
            "database_mb": round((database_bytes or manifest["files"]["database/lieudit.pgdump"]["size"]) / 1e6, 1),
            "uploads_mb": round(uploaded / 1e6),
            "backup_mb": round(sum(f["size"] for f in manifest["files"].values()) / 1e6, 1),
            "backup_wall_s": round(backup_wall, 1),
            "backup_cpu_s": round(backup_cpu, 1),
            "load_at_backup": round(load_before, 2),
            "saves_during_run": saves,
            "save_errors": errors,
            "restore_wall_s": round(restore_wall, 1),
            "restore_cpu_s": round(restore_cpu, 1),
            "load_at_restore": round(load_restore, 2),
            "restore_output": restore.stdout.strip().splitlines(),
            "check": check_restored(target_url, manifest),
        }


def main() -> None:
    """Parse the options, run each backend, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--docs", type=int, default=20_000, help="pages + initiatives, half each (default 20,000)")
    parser.add_argument("--uploads-mb", type=int, default=200)
    args = parser.parse_args()
    start_run("backup", "backup and restore drill")
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory(prefix="lieudit-bench-backup-") as tmp:
            figures = run(backend, args.docs, args.uploads_mb, Path(tmp))
        print(json.dumps(figures, ensure_ascii=False, indent=1), flush=True)


if __name__ == "__main__":
    main()
