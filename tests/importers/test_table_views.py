"""The moderators' spreadsheet import screen (``/tableur/importer``): upload, mapping with a preview, confirm, report."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.shared import DATA
from wiki.records import services

pytestmark = pytest.mark.sqlite_only  # HTTP screens over the importer, which test_table runs on both databases

ANTENNES = (DATA / "csv-fr/data-fair/Antennes du CD22.csv").read_bytes()
COVOITURAGE = DATA / "opendata-fr/schemas/lieux-covoiturage"


def upload(client, data, name="Antennes du CD22.csv", form="lieu", **files):
    fields = {"formulaire": form, "fichier": (io.BytesIO(data), name), "action": "apercu"}
    fields |= {key: (io.BytesIO(content), f"{key}.json") for key, content in files.items()}
    return client.post("/tableur/importer", data=fields, content_type="multipart/form-data")


def token_of(page):
    return re.search(r'name="jeton" value="([0-9a-f]{32})"', page.text).group(1)


def mapped(token, choices, action="apercu", form="lieu", source="Antennes du CD22.csv"):
    """The mapping form as posted: ``choices`` maps column numbers to targets."""
    return {"jeton": token, "formulaire": form, "source": source, "mapped": "1", "action": action} | {
        f"col-{index}": target for index, target in choices.items()}  # fmt: skip


def test_only_moderators_see_the_screen(client, db, moderator):
    assert client.get("/tableur/importer").status_code == 401
    make_user(db, "Camille")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert client.get("/tableur/importer").status_code == 403
    client.post("/-/deconnexion")
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    page = client.get("/tableur/importer")
    assert page.status_code == 200 and "Formulaire de destination" in page.text and 'name="csrf_token"' in page.text
    assert 'accept=".csv,.tsv,.txt,.xlsx,.ods,text/csv"' in page.text


def test_map_preview_confirm_and_download_the_report(client, db, moderator):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    first = upload(client, ANTENNES)
    assert first.status_code == 400 and "aucune colonne ne remplit ces champs obligatoires" in first.text
    assert '<option value="localisation.lat" selected>' in first.text and "48.454903" in first.text  # a sample
    token = token_of(first)
    choices = {0: "title", 1: "adresse", 4: "commune", 7: "telephone", 9: "localisation.lat", 10: "localisation.lon"}
    shown = client.post("/tableur/importer", data=mapped(token, choices))
    assert shown.status_code == 200 and "4 ligne(s) à importer, 0 refusée(s)." in shown.text
    assert "Aperçu : les premières lignes telles qu’elles seront enregistrées" in shown.text
    assert "02 96 80 00 80" in shown.text and "Agence Technique Départementale de Dinan" in shown.text
    assert "colonnes sans champ" in shown.text  # CS, codepostal… kept as other properties
    saved = client.post("/tableur/importer", data=mapped(token, choices, action="correspondance"))
    assert saved.mimetype == "application/json" and "attachment" in saved.headers["Content-Disposition"]
    assert json.loads(saved.data) == {"formulaire": "lieu", "champs": {
        "Sites": "title", "adresse": "adresse", "CS": "", "codepostal": "", "cdinseecommune": "commune", "ville": "",
        "cedex": "", "tel": "telephone", "fax": "", "lat": "localisation.lat", "lon": "localisation.lon",
        "matchLevel": ""}}  # fmt: skip
    assert services.count_published(db) == {}
    db.rollback()
    done = client.post("/tableur/importer", data=mapped(token, choices, action="importer"))
    assert done.status_code == 200 and "4 créé(s)" in done.text
    assert sum(services.count_published(db).values()) == 4
    report = client.get(f"/tableur/importer/rapport/{token}.csv")
    assert report.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(report.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["ligne", "colonne", "statut", "raison"] and rows[1][2] == "attention"
    assert "Antennes du CD22.csv" in client.get("/-/imports").text
    db.rollback()
    again = client.post("/tableur/importer", data=mapped(token, choices, action="importer"))
    assert again.status_code == 400 and "expiré" in again.text  # the staged file is gone once imported
    reused = upload(client, ANTENNES, correspondance=saved.data)
    assert reused.status_code == 200 and "4 ligne(s) à importer" in reused.text


def test_refused_rows_and_a_schema_on_the_screen(client, db, moderator):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    data = (COVOITURAGE / "exemple-invalide.csv").read_bytes()
    mapping = json.dumps({"nom_lieu": "title", "id_local": "@id", "Ylat": "localisation.lat",
                          "Xlong": "localisation.lon", "insee": "commune"}).encode()  # fmt: skip
    schema = (COVOITURAGE / "schema.json").read_bytes()
    shown = upload(client, data, "covoiturage.csv", correspondance=mapping, schema=schema)
    assert shown.status_code == 200 and "1 ligne(s) à importer, 1 refusée(s)." in shown.text
    assert "ligne 3 : colonne « date_maj » : « 24-06-2019 » n’est pas au format AAAA-MM-JJ (schéma)" in shown.text.replace(
        "&#39;", "’").replace("'", "’")  # fmt: skip
    assert "Refusée :" in shown.text  # a refused row shows its reason, not its values
    done = client.post("/tableur/importer", data={"jeton": token_of(shown), "formulaire": "lieu", "mapped": "1",
                                                  "source": "covoiturage.csv", "col-0": "@id", "col-1": "title",
                                                  "col-9": "localisation.lon", "col-10": "localisation.lat",
                                                  "action": "importer"})  # fmt: skip
    assert done.status_code == 200 and "1 créé(s)" in done.text and "1 refusé(s)" in done.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"formulaire": "lieu", "action": "apercu"}, "choisissez un fichier CSV, XLSX ou ODS"),
        ({"formulaire": "lieu", "jeton": "0" * 32}, "le fichier envoyé a expiré"),
        ({"formulaire": "lieu", "fichier": (io.BytesIO(b"%PDF-1.4"), "x.csv")}, "c’est un document PDF"),
        ({"formulaire": "nulle-part", "fichier": (io.BytesIO(ANTENNES), "a.csv")}, "Choisissez le formulaire"),
        ({"formulaire": "lieu", "fichier": (io.BytesIO(ANTENNES), "a.csv"),
          "correspondance": (io.BytesIO(b"[1]"), "m.json")}, "correspondance illisible"),
        ({"formulaire": "lieu", "fichier": (io.BytesIO(ANTENNES), "a.csv"),
          "schema": (io.BytesIO(b"{pas du json"), "s.json")}, "schéma illisible"),
    ],
    ids=["no-file", "expired", "pdf", "no-form", "bad-mapping", "bad-schema"],
)  # fmt: skip
def test_what_cannot_be_read_goes_back_to_the_upload_with_a_reason(client, db, moderator, fields, message):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    page = client.post("/tableur/importer", data=fields, content_type="multipart/form-data")
    assert page.status_code == 400 and message in page.text.replace("&#39;", "’").replace("'", "’")
    assert 'role="alert"' in page.text


def test_tokens_are_checked(client, db, moderator):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    assert client.post("/tableur/importer", data={"jeton": "../../etc/passwd", "formulaire": "lieu"}).status_code == 400
    assert client.get("/tableur/importer/rapport/../../x.csv").status_code == 404
    assert client.get(f"/tableur/importer/rapport/{'0' * 32}.csv").status_code == 404
