"""After an erasure, no public output holds the person's name, e-mail or personal values (extends the privacy scan).

The outputs of :data:`tests.wiki.exports.test_privacy.PUBLIC_OUTPUTS` (open
data, lists, API, feeds, agenda, map, search) plus what names authors: the
pages she wrote and their history, the page API, the record's history, recent
changes, the moderation log, the whole-instance dumps (full and public) and
the search index. Before the erasure, the scan must find her (the test would
prove nothing otherwise).
"""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.exports_support import login
from tests.wiki.exports.test_privacy import PUBLIC_OUTPUTS
from tests.wiki.exports.test_privacy import _texts
from tests.wiki.pages.test_attachments import _png
from tests.wiki.privacy.conftest import NAME
from tests.wiki.privacy.conftest import TRACES
from wiki.privacy import erasure

pytestmark = pytest.mark.sqlite_only  # HTTP surface over services test_erasure runs on both databases

#: Outputs that name authors or show her record, beyond the open-data outputs.
AUTHOR_OUTPUTS = (
    "/pages/lavoir-de-bains",
    "/pages/lavoir-de-bains/history",
    "/pages/lavoir-de-bains/files",
    "/pages/lavoir-de-bains/revisions/1",
    "/pages/marche-de-redon/history",
    "/pages/marche-de-redon/diff?from=1&to=2",
    "/pages/vieux-pont",
    "/pages/vieux-pont/history",
    "/api/v1/pages/lavoir-de-bains",
    "/api/v1/pages/lavoir-de-bains/revisions",
    "/api/v1/pages/vieux-pont/revisions",
    "/fiches/{record}",
    "/fiches/{record}/historique",
    "/fiches/{record}/diff?from=1&to=3",
    "/-/modifications",
    "/-/modifications?type=record",
    "/-/modifications.atom",
    "/-/journal",
    "/-/journal.atom",
)
#: Searches for her consented value: they echo the word searched, so what counts is whether they find her record.
SEARCHES = ("/-/recherche?q=5e5e", "/api/v1/search?q=5e5e&limit=100")


def _found(client, form_key: str, record_id: int) -> dict[str, list[str]]:
    """The outputs (as requested) whose anonymous response holds a trace of her, with the traces."""
    found = {}
    for template in (*PUBLIC_OUTPUTS, *AUTHOR_OUTPUTS):
        url = template.format(form=form_key, record=record_id)
        response = client.get(url)
        assert response.status_code == 200, url
        texts = [t.lower() for t in _texts(response.data)]
        traces = [trace for trace in TRACES if any(trace.lower() in t for t in texts)]
        if traces:
            found[url] = traces
    return found


def _dump_traces(runner, path, *options: str) -> list[str]:
    result = runner.invoke(args=["dump", str(path), "--force", *options])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        body = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()).lower()
    return [trace for trace in TRACES if trace.lower() in body]


def test_no_public_output_names_an_erased_person(client, db, runner, person, tmp_path):
    record = person.record.id
    login(client, NAME)  # she attaches a picture to her page
    sent = client.post("/pages/lavoir-de-bains/files", data={"file": (io.BytesIO(_png()), "lavoir.png")},
                       content_type="multipart/form-data")  # fmt: skip
    assert sent.status_code == 302
    client.post("/-/deconnexion")
    before = _found(client, person.form.key, record)
    assert "/pages/lavoir-de-bains/files" in before and "/pages/lavoir-de-bains/history" in before
    assert "/-/modifications.atom" in before
    assert "/pages/vieux-pont/history" in before  # the imported twin signature
    assert f"/donnees/{person.form.key}.csv" in before  # her consented value
    assert all(f"/fiches/{record}" in client.get(url).text for url in SEARCHES)
    assert _dump_traces(runner, tmp_path / "full.zip") and _dump_traces(runner, tmp_path / "public.zip", "--public")

    erasure.erase(db, person.user.id, actor=person.moderator)

    assert _found(client, person.form.key, record) == {}
    assert not any(f"/fiches/{record}" in client.get(url).text for url in SEARCHES)
    assert f"/fiches/{record}" in client.get("/-/recherche?q=Saules").text  # still indexed, without her value
    assert _dump_traces(runner, tmp_path / "full.zip") == []
    assert _dump_traces(runner, tmp_path / "public.zip", "--public") == []
    pseudonym = erasure.pseudonym_of(person.user.id)
    assert pseudonym in client.get("/pages/lavoir-de-bains/history").text
    assert pseudonym in client.get("/-/modifications").text
    assert pseudonym in client.get("/pages/lavoir-de-bains/files").text


def test_a_cached_page_changes_its_validator(client, db, person):
    """A proxy asking « still the same? » about a page she signed is told it changed."""
    first = client.get("/pages/lavoir-de-bains")
    assert first.headers.get("ETag") and "Testelin" in first.text
    erasure.erase(db, person.user.id, actor=person.moderator)
    again = client.get("/pages/lavoir-de-bains", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Testelin" not in again.text
