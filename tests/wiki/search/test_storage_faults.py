"""A full disk under the search index: the save stands, the outbox keeps the change, the retry indexes it (G6).

Faults are ENOSPC injected at Whoosh's file writes (``StructFile.write``, every byte of an index
goes through it), and, where a tmpfs can be mounted, a really full filesystem under the index.
"""

from __future__ import annotations

import errno
import os

import pytest
from whoosh.filedb.structfile import StructFile

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.storage import fill
from tests.support.storage import small_disk
from tests.wiki.search.test_indexer import found
from wiki import search as search_package
from wiki.db import Database
from wiki.search import indexer
from wiki.search import outbox

pytestmark = pytest.mark.sqlite_only  # the index and its writes are files; the outbox has its own tests on both


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_an_index_write_that_fails_keeps_its_outbox_rows_and_the_retry_indexes_them(app, db, monkeypatch, caplog):
    engine = Database.engine(app)
    backend = search_package.get_backend(app)
    make_page(db, "Lavoir de la Sauldre", "Le lavoir.\n")
    db.commit()
    assert found(backend, "lavoir") and outbox.pending(engine) == 0

    with monkeypatch.context() as patch, caplog.at_level("ERROR", logger="lieudit.storage"):
        patch.setattr(StructFile, "write", _disk_full)
        make_page(db, "Moulin de Bagatelle", "Le moulin.\n")
        db.commit()  # the save stands: the index follows it, it never undoes it
        assert outbox.pending(engine) >= 1  # kept for the retry, never lost
        assert found(backend, "moulin") == set() and found(backend, "lavoir")  # searches go on, on the last index
        with pytest.raises(OSError):
            indexer.apply_outbox(engine)  # an explicit retry while the disk is still full says so
    faults = [r.getMessage() for r in caplog.records if r.name == "lieudit.storage"]
    assert len(faults) == 1 and "ENOSPC" in faults[0] and "moulin" not in faults[0].lower()

    assert indexer.apply_outbox(engine) >= 1  # room again: the index lock was released, the change lands
    assert found(backend, "moulin") and found(backend, "lavoir") and outbox.pending(engine) == 0


def test_on_a_really_full_disk_the_index_keeps_its_changes_for_later(make_app, tmp_path):
    disk = tmp_path / "disk"
    with small_disk(disk):
        app = make_app(INSTANCE_PATH=str(disk / "instance"))  # the index (and uploads) on the small disk
        engine = Database.engine(app)
        backend = search_package.get_backend(app)
        db = Database.new_session(app)
        make_user(db, "Camille")
        make_page(db, "Lavoir de la Sauldre", "Le lavoir.\n")
        db.commit()
        assert found(backend, "lavoir")
        filler = fill(disk)

        client = app.test_client()
        assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
        saved = client.post("/pages/moulin/edit", data={"title": "Moulin de Bagatelle", "body": "Le moulin.\n"})
        assert saved.status_code == 302  # the database has room: the page is saved
        assert outbox.pending(engine) >= 1 and found(backend, "moulin") == set()
        assert client.get("/-/recherche?q=lavoir").status_code == 200

        filler.unlink()
        indexer.apply_outbox(engine)
        assert found(backend, "moulin") and outbox.pending(engine) == 0
        db.close()
