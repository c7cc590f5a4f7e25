"""The Data Package and its Table Schema, validated by frictionless as served: read over HTTP from a live server, so
every resource is fetched from its real address (the CSV rows checked against the schema)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.support.browser import LiveServer

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: the descriptor and the tables of plain reads


@pytest.fixture
def live(make_app, seeded):
    """The seeded database served over HTTP (its own addresses, not ``wiki.test``)."""
    with LiveServer(make_app(SERVER_NAME=None)) as server:
        yield server


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local test server
        return response.read()


def test_served_datapackage_validates_with_frictionless(live):
    import frictionless

    served = _get(f"{live.url}/donnees/fermes/datapackage.json")
    descriptor = json.loads(served)
    report = frictionless.validate(descriptor)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    names = {r["name"]: r for r in descriptor["resources"]}
    assert {"fermes-csv", "fermes-csv-tableur", "fermes-json", "fermes-geojson", "fermes-ics", "fermes-xlsx",
            "fermes-ods"} <= set(names)  # fmt: skip
    assert all(r["path"].startswith(f"{live.url}/donnees/fermes") for r in names.values())
    # Tables are checked row by row against the schema; the other downloads are files.
    tasks = {task.name: task for task in report.tasks}
    assert tasks["fermes-csv"].type == "table" and tasks["fermes-csv"].stats["rows"] == 3
    assert tasks["fermes-csv-tableur"].type == "table" and tasks["fermes-csv-tableur"].stats["rows"] == 3
    assert {name for name, task in tasks.items() if task.type == "file"} == set(names) - {
        "fermes-csv",
        "fermes-csv-tableur",
    }


def test_datapackage_describes_the_csv_with_the_form_schema(client, seeded):
    descriptor = client.get("/donnees/fermes/datapackage.json").get_json()
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    resource = {r["name"]: r for r in descriptor["resources"]}["fermes-csv"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["categorie"]["constraints"]["enum"] == ["bio", "local"]
    assert fields["title"]["constraints"]["required"] is True
    assert fields["places"]["type"] == "integer" and fields["localisation"]["type"] == "geojson"
    assert fields["site_web"]["format"] == "uri"
    assert "courriel_perso" not in fields and resource["schema"]["primaryKey"] == ["id"]
