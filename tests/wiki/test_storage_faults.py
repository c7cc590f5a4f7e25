"""Storage faults told apart from other errors, and files written whole or not at all (HOSTILE_INPUTS G6)."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.support.storage import failing_files
from wiki import storage_faults
from wiki.storage_faults import FULL
from wiki.storage_faults import IO


def _sqlite_full(tmp_path) -> sqlite3.OperationalError:
    """A real SQLITE_FULL, from a database not allowed to grow."""
    con = sqlite3.connect(tmp_path / "full.db", isolation_level=None)
    con.execute("CREATE TABLE t (x)")
    con.execute(f"PRAGMA max_page_count={con.execute('PRAGMA page_count').fetchone()[0]}")
    try:
        con.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    except sqlite3.OperationalError as err:
        return err
    finally:
        con.close()
    raise AssertionError("the insert should not fit")


def test_a_full_disk_and_an_io_error_are_told_apart_from_other_errors(tmp_path):
    assert storage_faults.classify(OSError(errno.ENOSPC, "No space left on device")) == FULL
    assert storage_faults.classify(OSError(errno.EDQUOT, "Disk quota exceeded")) == FULL
    assert storage_faults.classify(OSError(errno.EIO, "Input/output error")) == IO
    assert storage_faults.classify(sqlite3.OperationalError("disk I/O error")) == IO
    assert storage_faults.classify(OSError(errno.EACCES, "Permission denied")) is None
    assert storage_faults.classify(sqlite3.OperationalError("database is locked")) is None
    assert storage_faults.classify(ValueError("x")) is None
    assert storage_faults.classify(None) is None
    full = _sqlite_full(tmp_path)
    assert str(full) == "database or disk is full" and storage_faults.classify(full) == FULL
    assert storage_faults.describe(full) == "SQLITE_FULL"
    assert storage_faults.describe(OSError(errno.EIO, "x")) == "EIO"


def test_a_fault_is_found_through_sqlalchemy_and_through_an_error_raised_while_handling_it(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'wrapped.db'}")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (x)"))
        pages = conn.execute(text("PRAGMA page_count")).scalar()
        conn.execute(text(f"PRAGMA max_page_count={pages}"))
        with pytest.raises(OperationalError) as wrapped:
            conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": "x" * 100_000})
    engine.dispose()
    assert storage_faults.classify(wrapped.value) == FULL
    # A savepoint's rollback failing after SQLite ended the transaction: the first error is kept as context.
    try:
        try:
            raise wrapped.value
        except OperationalError:
            raise sqlite3.OperationalError("no such savepoint: sa_savepoint_1")  # noqa: B904 - the implicit context
    except sqlite3.OperationalError as later:
        assert storage_faults.classify(later) == FULL


class _PgDiskFull(Exception):
    """What psycopg raises for SQLSTATE 53100 carries it as ``sqlstate``."""

    sqlstate = "53100"


def test_postgresql_disk_full_is_read_from_its_sqlstate():
    assert storage_faults.classify(_PgDiskFull("could not extend file")) == FULL


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("at", ["write", "fsync"])
def test_a_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch, code, at):
    target = tmp_path / "ab" / "file.bin"
    target.parent.mkdir()
    target.write_bytes(b"before")
    with failing_files(monkeypatch, code=code, at=at), pytest.raises(OSError) as raised:
        storage_faults.write_atomically(target, b"after" * 1000)
    assert raised.value.errno == code
    assert target.read_bytes() == b"before"  # the previous content, intact
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.bin"]  # no temporary file left
    storage_faults.write_atomically(target, b"after")  # the disk has room again
    assert target.read_bytes() == b"after"


def test_one_log_line_per_fault_without_content(caplog):
    with caplog.at_level("ERROR", logger="lieudit.storage"):
        assert storage_faults.log_fault(OSError(errno.ENOSPC, "No space", "/secret/Ma page.md"), "POST /x") == FULL
        assert storage_faults.log_fault(ValueError("not a fault"), "POST /x") is None
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "ENOSPC" in line and "POST /x" in line and "secret" not in line
