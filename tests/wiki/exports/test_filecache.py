"""Full-dataset downloads come from files generated once per dataset version, under a cap shared by processes."""

from __future__ import annotations

import io
import multiprocessing
import threading
import zipfile
from pathlib import Path

from tests.factories import make_user
from tests.wiki.exports.conftest import record_values
from wiki import hostslots as slots
from wiki.exports import spreadsheets
from wiki.records import services

#: Every download kept as a file, for the seeded ``fermes`` form (or the pages).
CACHED = ("/donnees/fermes.csv", "/donnees/fermes.tableur.csv", "/donnees/fermes.json", "/donnees/fermes.geojson",
          "/donnees/fermes.ics", "/donnees/fermes.xlsx", "/donnees/fermes.ods", "/donnees/pages.zip")  # fmt: skip


def _files(app):
    return app.extensions["lieudit.export_files"]


def _kept(app, key: str, extension: str) -> list[Path]:
    """The files (complete or not) of a dataset's format, in the current epoch."""
    folders = list((Path(app.instance_path) / "exports").glob(f"v*/{key}/{extension}"))
    return sorted(p for folder in folders for p in folder.iterdir() if p.name != ".lock")


def _content(body: bytes) -> object:
    """What a download holds: the members of an archive (XLSX, ODS, ZIP), else its bytes."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    return body


def test_concurrent_requests_of_one_export_make_one_generation(app, seeded):
    bodies: list[bytes] = []
    start = threading.Barrier(12)

    def _download(number: int) -> None:
        client = app.test_client()
        start.wait()
        # Twelve reusers (one address each: a client alone may run only a few costly requests at once).
        response = client.get("/donnees/fermes.xlsx", environ_base={"REMOTE_ADDR": f"192.0.2.{number}"})
        assert response.status_code == 200
        bodies.append(response.data)

    threads = [threading.Thread(target=_download, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(bodies) == 12 and len(set(bodies)) == 1
    assert _files(app).generations == 1
    assert [p.name.endswith(".xlsx") for p in _kept(app, "fermes", "xlsx")] == [True]


def test_the_file_is_reused_until_the_dataset_changes_then_generated_again(app, client, db, seeded):
    first = client.get("/donnees/fermes.csv")
    assert client.get("/donnees/fermes.csv").data == first.data
    assert _files(app).generations == 1
    (old,) = _kept(app, "fermes", "csv")
    services.update_record(db, seeded.records[0], record_values(1, title="Ferme renommée"), actor=seeded.moderator,
                           policy="account", base_revision=None)  # fmt: skip
    db.commit()
    changed = client.get("/donnees/fermes.csv")
    assert "Ferme renommée" in changed.text and changed.headers["ETag"] != first.headers["ETag"]
    assert _files(app).idle() and _files(app).generations == 2
    (new,) = _kept(app, "fermes", "csv")
    assert new != old and not old.exists()  # the older version is deleted once the newer one is complete
    assert client.get("/donnees/fermes.csv").data == changed.data and _files(app).generations == 2


def test_a_change_regenerates_the_downloads_served_before_anyone_asks(app, client, db, seeded):
    for url in ("/donnees/fermes.xlsx", "/donnees/fermes.json"):
        client.get(url)
    assert _files(app).generations == 2
    services.update_record(db, seeded.records[0], record_values(1, title="Ferme renommée"), actor=seeded.moderator,
                           policy="account", base_revision=None)  # fmt: skip
    db.commit()  # the XLSX is generated again after the commit, off any request; the JSON on its next request
    assert _files(app).idle()
    assert _files(app).generations == 3
    (fresh,) = _kept(app, "fermes", "xlsx")
    response = client.get("/donnees/fermes.xlsx")
    assert fresh.name == f"{response.get_etag()[0]}.xlsx" and _files(app).generations == 3
    assert "Ferme renommée" in client.get("/donnees/fermes.json").text and _files(app).generations == 4


def test_every_kept_download_holds_what_the_live_stream_holds(client, seeded):
    for url in CACHED:
        kept = client.get(url)
        live = client.get(f"{url}?format=live")  # a query string: streamed live, as every download was before
        assert kept.status_code == live.status_code == 200, url
        assert kept.headers["ETag"] == live.headers["ETag"] and kept.mimetype == live.mimetype, url
        for header in ("Last-Modified", "Content-Disposition", "Cache-Control", "Access-Control-Allow-Origin"):
            assert kept.headers.get(header) == live.headers.get(header), (url, header)
        assert _content(kept.data) == _content(live.data), url


def test_conditional_requests_and_ranges(client, seeded):
    whole = client.get("/donnees/fermes.json")
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    assert whole.headers["Accept-Ranges"] == "bytes" and int(whole.headers["Content-Length"]) == len(whole.data)
    assert client.get("/donnees/fermes.json", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/donnees/fermes.json", headers={"If-Modified-Since": modified}).status_code == 304
    part = client.get("/donnees/fermes.json", headers={"Range": "bytes=10-29"})
    assert part.status_code == 206 and part.data == whole.data[10:30]
    assert part.headers["Content-Range"] == f"bytes 10-29/{len(whole.data)}"
    part.close()
    resumed = client.get("/donnees/fermes.json", headers={"Range": "bytes=10-", "If-Range": modified})
    assert resumed.status_code == 206 and resumed.data == whole.data[10:]
    assert client.get("/donnees/fermes.json", headers={"Range": "bytes=999999-"}).status_code == 416


def _hold(path: str, kind: str, ready: object, done: object) -> None:
    """In another process: hold the only export slot, or the lock of a dataset's format, until told."""
    if kind == "slot":
        slot = slots.take(Path(path), 1)
        assert slot is not None
    else:
        Path(path).mkdir(parents=True, exist_ok=True)
        fd = slots.lock_file(Path(path) / ".lock")
        assert fd is not None
    ready.set()  # type: ignore[attr-defined]
    done.wait(60)  # type: ignore[attr-defined]


def test_the_cap_and_the_generation_lock_hold_across_processes(make_app, seeded):
    app = make_app(EXPORT_CONCURRENCY=1, EXPORT_WAIT_SECONDS=0.2)
    client = app.test_client()
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    other = context.Process(target=_hold, args=(str(_files(app).slot_folder), "slot", ready, done))
    other.start()
    try:
        assert ready.wait(60)
        busy = client.get("/donnees/fermes.csv?since=2000-01-01")  # the only slot is another process's
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "30" and "réessayez" in busy.text
        assert client.get("/donnees/fermes.csv").status_code == 503  # its generation waits for the slot too
    finally:
        done.set()
        other.join(60)
    assert _files(app).idle()
    assert client.get("/donnees/fermes.csv?since=2000-01-01").status_code == 200
    assert client.get("/donnees/fermes.csv").status_code == 200
    # Another process generating the XLSX holds its lock: this one starts none, waits, then answers 503.
    folder = _files(app).root / "v0" / "fermes" / "xlsx"
    ready, done = context.Event(), context.Event()
    other = context.Process(target=_hold, args=(str(folder), "lock", ready, done))
    other.start()
    try:
        assert ready.wait(60)
        waiting = client.get("/donnees/fermes.xlsx")
        assert waiting.status_code == 503 and "préparation" in waiting.text
        assert _files(app).generations == 1  # the CSV only
    finally:
        done.set()
        other.join(60)
    assert client.get("/donnees/fermes.xlsx").status_code == 200 and _files(app).generations == 2


def test_a_failed_generation_leaves_no_partial_file_and_is_tried_again(make_app, db, seeded, monkeypatch):
    app = make_app(EXPORT_WAIT_SECONDS=2)
    client = app.test_client()
    before = client.get("/donnees/fermes.xlsx").data
    (kept,) = _kept(app, "fermes", "xlsx")

    def broken(title, header, rows):
        yield b"PK\x03\x04 a beginning"
        raise OSError("disk full")

    monkeypatch.setattr(spreadsheets, "rows_to_xlsx", broken)
    services.update_record(db, seeded.records[0], record_values(1, title="Ferme renommée"), actor=seeded.moderator,
                           policy="account", base_revision=None)  # fmt: skip
    db.commit()  # the generation after the commit fails
    assert _files(app).idle() and _kept(app, "fermes", "xlsx") == [kept]
    failed = client.get("/donnees/fermes.xlsx")  # and so does the one this request starts
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "30"
    assert _files(app).idle()
    assert _kept(app, "fermes", "xlsx") == [kept] and kept.read_bytes() == before  # nothing partial, nothing lost
    monkeypatch.undo()
    after = client.get("/donnees/fermes.xlsx")
    assert after.status_code == 200 and after.data != before
    assert _files(app).idle() and not kept.exists()  # deleted once the newer one is in place


def test_an_erasure_purges_every_generated_file(app, client, runner, db, seeded):
    make_user(db, "Camille")
    db.commit()
    client.get("/donnees/fermes.csv")
    (kept,) = _kept(app, "fermes", "csv")
    result = runner.invoke(args=["privacy", "erase", "Camille", "--yes"])
    assert result.exit_code == 0, result.output
    assert not kept.exists() and not kept.parent.exists()
    assert client.get("/donnees/fermes.csv").status_code == 200
    (new,) = _kept(app, "fermes", "csv")
    assert new.parts[-4] != kept.parts[-4]  # a new epoch's folder
