"""An import killed mid-way (``kill -9``) leaves a consistent database that a re-run completes.

The real ``lieudit import`` command runs in a subprocess on the test's
database (SQLite or PostgreSQL), committing every 100 items, and is killed
while it writes: what it committed is whole items (each record with its
import link), nothing is half-written, SQLite's ``integrity_check`` passes,
and running the same command again imports everything once (a third run
changes nothing: idempotency).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from importers.models import ImportItem
from wiki.records.models import Record

FEATURES = 400
CHUNK = 100


def _layer(path: Path) -> Path:
    features = [
        {"type": "Feature", "id": f"lieu-{i}", "properties": {"name": f"Lieu {i}", "description": "Un lieu du pays."},
         "geometry": {"type": "Point", "coordinates": [-2.3 + i * 1e-4, 47.6 + (i % 50) * 1e-3]}}
        for i in range(FEATURES)
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _command(database_url: str, instance: Path, layer: Path) -> tuple[list[str], dict[str, str]]:
    env = os.environ | {
        "LIEUDIT_DATABASE_URL": database_url,
        "LIEUDIT_INSTANCE_PATH": str(instance),
        "LIEUDIT_SECRET_KEY": "test-secret",
        "LIEUDIT_IMPORT_COMMIT_EVERY": str(CHUNK),
    }
    exe = Path(sys.executable).with_name("lieudit")
    return [str(exe), "import", "geojson", str(layer), "--form", "lieu"], env


def _writing(database_url: str) -> bool:
    """Whether another process holds the write lock (SQLite) or a row lock on ``records`` (PostgreSQL)."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
        return False
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            held = text("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE c.relname = 'records' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")  # fmt: skip
            return bool(conn.execute(held).scalar())
    finally:
        engine.dispose()


def _counts(database_url: str) -> tuple[int, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            records = conn.execute(select(func.count()).select_from(Record.__table__)).scalar_one()
            links = conn.execute(select(func.count()).select_from(ImportItem.__table__)).scalar_one()
            return records, links
    finally:
        engine.dispose()


def test_an_import_killed_while_writing_leaves_nothing_half_done_and_a_rerun_completes(
    author, db, database_url, tmp_path
):
    db.close()
    args, env = _command(database_url, tmp_path / "instance", _layer(tmp_path / "lieux.geojson"))
    started = time.monotonic()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not _writing(database_url) and process.poll() is None and time.monotonic() - started < 120:
        time.sleep(0.05)
    time.sleep(0.5)  # well into the records: a few hundred take seconds to write
    still_writing = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert still_writing, f"the import ended in {time.monotonic() - started:.1f} s, before it could be killed"
    kept, linked = _counts(database_url)
    assert kept == linked and kept % CHUNK == 0 and kept < FEATURES  # whole committed chunks, nothing more

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{FEATURES - kept} créé(s), 0 mis à jour, {kept} inchangé(s)" in rerun.stdout
    assert _counts(database_url) == (FEATURES, FEATURES)

    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and f"{FEATURES} inchangé(s)" in again.stdout, again.stdout + again.stderr
    assert _counts(database_url) == (FEATURES, FEATURES)
