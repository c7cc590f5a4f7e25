"""Importing map layers into the Lieu form: the shared corpus, idempotence, hostile files."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from geodata.models import RecordGeometry
from importers import available
from importers import get_importer
from importers.kml import KmlImporter
from tests.factories import make_user
from tests.importers.test_features import CORPUS
from tests.importers.test_features import XXE
from tests.importers.test_features import format_of
from tests.shared import DATA
from wiki.records import form_services
from wiki.records.models import Record
from wiki.records.seeding import seed_builtin

GEO = DATA / "geodata"


@pytest.fixture
def author(db):
    user = make_user(db, "Import", role="moderator")
    seed_builtin(db, user)
    db.commit()
    return user


def count(db, form="lieu"):
    form_id = form_services.get_form(db, form).id
    return db.scalar(
        select(func.count()).select_from(Record).where(Record.form_id == form_id, Record.deleted_at.is_(None))
    )


def test_the_five_formats_are_registered():
    assert {"geojson", "kml", "gpx", "umap", "osm"} <= set(available())
    assert isinstance(get_importer("kml"), KmlImporter)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_file_imports_or_is_refused_clearly(app, db, author, path):
    result = get_importer(format_of(path)).run(db, path.read_bytes(), form=None, author=author, dry_run=False)
    if result.error:
        assert result.created == 0 and len(result.error) > 10 and "Import refusé" in result.summary()
        db.rollback()
        assert count(db) == 0
        return
    assert all(error.ref and error.message for error in result.errors)
    db.commit()
    assert count(db) == result.created
    located = db.scalar(select(func.count()).select_from(RecordGeometry))
    assert located == result.created


def test_reimport_updates_features_that_have_an_id(app, db, author):
    data = (GEO / "osm/osmtogeojson_map.json").read_bytes()
    first = get_importer("osm").run(db, data, form=None, author=author, dry_run=False)
    db.commit()
    second = get_importer("osm").run(db, data, form=None, author=author, dry_run=False)
    db.commit()
    assert first.created > 0 and second.created == 0 and second.unchanged == first.created
    assert count(db) == first.created


def test_mapping_and_geometry_kinds_of_the_target_form(app, db, author):
    data = (GEO / "umap/umap_test_upload_data.json").read_bytes()
    preview = get_importer("geojson").preview(data, form_services.get_form(db, "lieu"))
    assert preview["mapping"]["title"] == "name" and preview["count"] == 5
    result = get_importer("geojson").run(db, data, form="structure", author=author, dry_run=False)  # points only
    assert result.created >= 1 and any("non autorisé" in e.message for e in result.errors)


def test_xxe_is_refused_and_nothing_leaks(app, db, author):
    result = get_importer("kml").run(db, XXE, form=None, author=author, dry_run=False)
    assert result.error and "DOCTYPE" in result.error and "root:" not in result.summary()
    assert count(db) == 0


def test_unknown_form_is_refused(app, db, author):
    assert "inconnu" in get_importer("geojson").run(db, b"{}", form="nope", author=author, dry_run=False).error


HOSTILE_PROPERTIES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "id": "halle", "geometry": {"type": "Point", "coordinates": [-2.0853, 47.6517]},
         "properties": {"nom": "Halle de Redon", "horaires_marche": "lundi matin", "capacite": 300,
                        "source": "https://data.exemple.fr/halles", "note_html": "<script>alert(1)</script>",
                        "tags": {"amenity": "marketplace"}, "vide": ""}},
    ],
}  # fmt: skip


def test_properties_without_a_field_are_kept_listed_and_shown_escaped(app, client, db, author):
    import json

    from tests.factories import PASSWORD

    data = json.dumps(HOSTILE_PROPERTIES).encode()
    preview = get_importer("geojson").preview(data, form_services.get_form(db, "lieu"))
    assert preview["kept"] == ["capacite", "horaires_marche", "note_html", "source", "tags", "vide"]
    result = get_importer("geojson").run(db, data, form=None, author=author, dry_run=False)
    db.commit()
    assert result.created == 1
    assert any("gardées dans les « autres propriétés »" in w and "capacite, horaires_marche, note_html" in w
               for w in result.warnings)  # fmt: skip
    record = db.scalar(select(Record).where(Record.title == "Halle de Redon"))
    assert record.extra == {"horaires_marche": "lundi matin", "capacite": 300, "source": "https://data.exemple.fr/halles",
                            "note_html": "<script>alert(1)</script>", "tags": '{"amenity": "marketplace"}'}  # fmt: skip
    record_id = record.id
    db.rollback()  # end the test's read: the pages below write their session
    client.post("/-/connexion", data={"name": "Import", "password": PASSWORD})
    page = client.get(f"/fiches/{record_id}").text
    assert "Autres propriétés" in page and "lundi matin" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://data.exemple.fr/halles" rel="nofollow ugc noopener">' in page
    client.post("/-/deconnexion")
    public = client.get(f"/fiches/{record_id}").text  # unvetted: moderators only, never published
    assert "Halle de Redon" in public and "Autres propriétés" not in public and "lundi matin" not in public


def test_a_mapped_property_leaves_the_other_properties_and_a_reimport_updates_them(app, db, author):
    import json

    data = json.dumps(HOSTILE_PROPERTIES).encode()
    get_importer("geojson").run(db, data, form=None, author=author, dry_run=False)
    db.commit()
    mapping = {"title": "nom", "horaires": "horaires_marche"}
    again = get_importer("geojson", mapping=mapping).run(db, data, form=None, author=author, dry_run=False)
    db.commit()
    assert (again.created, again.updated) == (0, 1)
    record = db.scalar(select(Record).where(Record.title == "Halle de Redon"))
    assert "horaires_marche" not in record.extra and record.extra["capacite"] == 300
    assert "lundi matin" in record.data.values()
