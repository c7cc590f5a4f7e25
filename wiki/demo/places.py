"""The demo territory's map: communes of the Pays de Redon as zones, and places on the map.

The data (communes with their centre, places with their offset from it, a
greenway and a natural area) and its provenance are in ``places.toml``; this
module turns it into zones and ``lieu`` records: a point place is put at its
commune's centre plus its offset, and every description gets the demo note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata import placement
from geodata import zones as geo
from wiki.demo.data import DemoDataError
from wiki.demo.data import read_tables
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record

DATA_FILE = Path(__file__).parent / "places.toml"
DEMO_COMMENT = "Lieu de démonstration"
DEMO_NOTE = "Fiche de démonstration : position approximative, à vérifier et compléter."


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


def load_demo_zones(db: Session) -> int:
    """Create the Pays de Redon communes that are missing (a loaded boundary is kept); return how many."""
    existing = {z.code for z in geo.list_zones(db, "commune")}
    created = 0
    for code, name, lon, lat in demo_communes():
        if code not in existing:
            geo.save_zone(db, code=code, name=name, level="commune", centre=(lon, lat))
            created += 1
    db.flush()
    if created:
        placement.sync_unlocated(db)
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
