"""The importers' idempotency table, and migration 0011 that carried the map-layer links into it."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import select
from sqlalchemy import text

from importers import get_importer
from importers.models import ImportItem
from wiki import migrate
from wiki.db import Database

LAYER = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "lavoir-1", "properties": {"name": "Lavoir"},
     "geometry": {"type": "Point", "coordinates": [-2.08, 47.65]}},
    {"type": "Feature", "properties": {"name": "Sans id"}, "geometry": {"type": "Point", "coordinates": [-2.1, 47.6]}},
]}).encode()  # fmt: skip


def test_layer_links_are_kept_per_importer_and_destination_form(db, author):
    first = get_importer("geojson").run(db, LAYER, form="lieu", author=author)
    db.commit()
    (link,) = db.scalars(select(ImportItem))
    assert first.created == 2 and (link.importer, link.source, link.remote_id) == ("geojson", "form:lieu", "lavoir-1")
    other = get_importer("geojson").run(db, LAYER, form="structure", author=author)
    db.commit()
    assert other.created == 2 and len(db.scalars(select(ImportItem)).all()) == 2  # another form: other records


def test_migration_0011_carries_the_layer_links_both_ways(app, db, author):
    get_importer("geojson").run(db, LAYER, form="lieu", author=author)
    db.commit()
    db.close()
    engine = Database.engine(app)
    command.downgrade(migrate.alembic_config(engine), "0010")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT source_id FROM layer_sources")).scalars().all() == ["geojson:lavoir-1"]
    migrate.upgrade(engine, None, backup=False)
    link = db.scalar(select(ImportItem))
    assert (link.importer, link.source, link.remote_id) == ("geojson", "form:lieu", "lavoir-1")
    again = get_importer("geojson").run(db, LAYER, form="lieu", author=author)
    assert (again.created, again.unchanged) == (1, 1)  # the feature with an id is found again
