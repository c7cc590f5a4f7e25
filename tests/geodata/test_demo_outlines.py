"""The demo ships the simplified outlines of its 28 communes, and ``lieudit init --demo`` loads them as zones."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import shape
from sqlalchemy import func
from sqlalchemy import select

from geodata.models import RecordZone
from geodata.models import Zone
from wiki.demo.places import OUTLINES_FILE
from wiki.demo.places import demo_communes
from wiki.records.models import Record

ROOT = Path(__file__).resolve().parents[2]


def test_the_outlines_file_is_small_valid_and_matches_the_demo_communes():
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert codes == {code for code, _, _, _ in demo_communes()} and len(codes) == 28
    assert OUTLINES_FILE.stat().st_size < 150_000
    for feature in collection["features"]:
        outline = shape(feature["geometry"])
        assert outline.is_valid and outline.geom_type in ("Polygon", "MultiPolygon")
    centres = {code: (lon, lat) for code, _, lon, lat in demo_communes()}
    redon = next(f for f in collection["features"] if f["properties"]["code"] == "35236")
    assert shape(redon["geometry"]).contains(shape({"type": "Point", "coordinates": centres["35236"]}))
    notes = (ROOT / "wiki/demo/SOURCES.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in notes and "bench/demo_communes.py" in notes and "simplify" in notes


def test_init_demo_loads_the_28_outlines_and_attaches_records(runner, app, db):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    outlined = db.scalar(
        select(func.count()).select_from(Zone).where(Zone.level == "commune", Zone.geometry.is_not(None))
    )
    assert outlined == 28
    attached = db.scalar(
        select(func.count(func.distinct(RecordZone.record_id))).where(RecordZone.zone_level == "commune")
    )
    assert attached > 10
    client = app.test_client()
    outlines = client.get("/carte/zones.geojson").get_json()
    assert sum(1 for f in outlines["features"] if f["geometry"]["type"] in ("Polygon", "MultiPolygon")) == 28
    redon = client.get("/zones/commune/35236")
    assert redon.status_code == 200 and "Redon" in redon.text


def test_demo_records_made_before_their_communes_are_found_by_the_commune_s_name(runner, app, db):
    assert runner.invoke(args=["init", "--demo"]).exit_code == 0
    # The initiatives are loaded before the communes; Redon is only named by its code in this one.
    db.expire_all()
    record = db.scalar(select(Record).where(Record.title.like("%wiki du Pays de Redon%")))
    assert "redon" in record.search_text and "35236" not in record.search_text
