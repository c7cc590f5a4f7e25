"""The demo territory's map: communes of the Pays de Redon as zones, and places on the map.

The data (communes with their centre, places with their offset from it, a
greenway and a natural area) and its provenance are in ``places.toml``, the
communes' simplified outlines in ``communes.geojson`` (``SOURCES.md``); this
module turns them into zones and ``lieu`` records: a point place is put at its
commune's centre plus its offset, and every description gets the demo note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata import placement
from geodata import zones as geo
from wiki.demo.data import DemoDataError
from wiki.demo.data import read_tables
from wiki.records import facets
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record

DATA_FILE = Path(__file__).parent / "places.toml"
#: The demo communes' outlines, simplified from IGN Admin Express (Licence Ouverte, see SOURCES.md).
OUTLINES_FILE = Path(__file__).parent / "communes.geojson"
DEMO_COMMENT = "Lieu de démonstration"
#: Appended to every description: the kinds of places are real, a given place may not be (nobody checked it).
DEMO_NOTE = (
    "Fiche de démonstration : lieu donné en exemple, à une position approximative ; "
    "son existence et ses informations sont à vérifier."
)


def demo_communes() -> list[tuple[str, str, float, float]]:
    """(INSEE code, name, centre longitude, centre latitude) of the communes of the Pays de Redon."""
    communes = []
    for item in read_tables(DATA_FILE, "communes"):
        try:
            lon, lat = item["centre"]
            communes.append((str(item["code"]), str(item["name"]), float(lon), float(lat)))
        except (KeyError, TypeError, ValueError) as error:
            raise DemoDataError(
                f"{DATA_FILE} : commune {item!r} : code, name et centre = [lon, lat] attendus."
            ) from error
    return communes


def demo_outlines() -> dict[str, dict[str, Any]]:
    """The simplified outline of each demo commune, by INSEE code (``communes.geojson``, see ``SOURCES.md``)."""
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    return {str(f["properties"]["code"]): f["geometry"] for f in collection["features"]}


def load_demo_zones(db: Session) -> int:
    """Create the Pays de Redon communes with their outlines; a commune already loaded keeps its own boundary, one
    without a boundary gets the demo's. Records are then attached to them. Return how many communes were created."""
    existing = {z.code: z for z in geo.list_zones(db, "commune")}
    outlines = demo_outlines()
    created = changed = 0
    for code, name, lon, lat in demo_communes():
        zone = existing.get(code)
        if zone is None or zone.geometry is None:
            geometry = outlines.get(code)
            geo.save_zone(db, code=code, name=name, level="commune", geometry=geometry, centre=(lon, lat))
            created += zone is None
            changed += 1
    db.flush()
    if changed:
        placement.sync_unlocated(db)
        placement.reattach_all(db)
        for form in form_services.list_forms(db):  # records made before their communes: found by name now
            defs = form_services.form_fields(form)
            if any(d.type == "zone" for d in defs):
                facets.refresh_form(db, form, defs)
    return created


def demo_places() -> list[dict[str, Any]]:
    """The demo places as values keyed by the ``lieu`` form's field keys."""
    centres = {code: (lon, lat) for code, _, lon, lat in demo_communes()}
    places = []
    for item in read_tables(DATA_FILE, "places"):
        values = {key: value for key, value in item.items() if key != "offset"}
        where = f"{DATA_FILE} : lieu « {item.get('title')} »"
        if item.get("commune") not in centres:
            raise DemoDataError(f"{where} : commune {item.get('commune')!r} absente de la liste « communes ».")
        if ("offset" in item) == ("localisation" in item):
            raise DemoDataError(f"{where} : donnez soit offset = [est, nord], soit une localisation.")
        if "offset" in item:
            lon, lat = centres[item["commune"]]
            east, north = item["offset"]
            values["localisation"] = {"type": "Point", "coordinates": [round(lon + east, 5), round(lat + north, 5)]}
        values["description"] = f"{item.get('description', '')} {DEMO_NOTE}"
        places.append(values)
    return places


def load_demo_places(db: Session, actor: Any) -> int:
    """Create the demo zones and the places that do not exist yet (by title), published; return how many places."""
    load_demo_zones(db)
    form = form_services.get_form(db, "lieu")
    existing = set(db.scalars(select(Record.title).where(Record.form_id == form.id, Record.deleted_at.is_(None))))
    ctx = taxonomy.cleaning_context(db)
    created = 0
    for values in demo_places():
        if values["title"] in existing:
            continue
        services.create_record(
            db, form, values, actor=actor, policy="account", ctx=ctx, status="published", comment=DEMO_COMMENT
        )
        created += 1
    return created
