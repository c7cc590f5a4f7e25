"""Files a crash left without their row are removed by ``lieudit init`` (HOSTILE_INPUTS G4, issue 17).

``bench/reliability_crash.py`` found them: a worker killed (``kill -9``) after
writing an upload and before its row committed leaves a file that no
attachment names, and nothing ever removed it.
"""

from __future__ import annotations

import io
import os
import time

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.uploads import uploads_root

pytestmark = pytest.mark.sqlite_only  # files on disk; the one query is plain SQL


def _age(path, hours: float) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


def test_init_removes_old_files_no_row_names_and_keeps_the_others(app, db):
    make_user(db, "Camille")
    page = make_page(db, "Médiathèque")
    db.commit()
    client = app.test_client()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    sent = client.post(
        f"/pages/{page.slug}/files",
        data={"file": (io.BytesIO(b"Horaires d'ouverture.\n"), "horaires.txt")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    root = uploads_root(app)
    attached = next(root.glob("*/*.txt"))
    _age(attached, 5)  # an old file its row names: kept
    folder = root / "ab"
    folder.mkdir(exist_ok=True)
    orphan, half_written = folder / ("ab" + "0" * 30 + ".png"), folder / (".ab" + "1" * 30 + ".pdf.tmp")
    young, foreign = folder / ("ab" + "2" * 30 + ".jpg"), root / ".imports" / ("ab" + "3" * 30 + ".json")
    foreign.parent.mkdir()
    for path in (orphan, half_written, young, foreign):
        path.write_bytes(b"contenu")
    for path in (orphan, half_written, foreign):
        _age(path, 2)

    result = app.test_cli_runner().invoke(args=["init"])

    assert result.exit_code == 0, result.output
    assert "supprimés : 2" in result.output
    assert not orphan.exists() and not half_written.exists()
    assert attached.exists() and young.exists() and foreign.exists()  # in use, maybe under way, not ours
    assert client.get(f"/pages/{page.slug}/files").status_code == 200


def test_init_without_an_uploads_folder_says_nothing_of_files(app):
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "supprimés" not in result.output
