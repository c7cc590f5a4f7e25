"""Fixtures of the map tests: built-in forms, real communes of the Pays de Redon as zones."""

from __future__ import annotations

import pytest

from importers.geojson import features_from_geojson
from importers.zones import import_zones
from tests.factories import make_user
from tests.shared import DATA
from wiki.records.seeding import seed_builtin

BOUNDARIES = DATA / "geodata/admin-boundaries"
#: Redon, Bains-sur-Oust, Saint-Nicolas-de-Redon (44), Rieux and Allaire (56).
REDON_AREA = {"35236", "35013", "44185", "56194", "56001"}


def redon_area_features():
    """Commune features of the Redon area, read from the three départements' real files."""
    features = []
    for name in ("communes-35-ille-et-vilaine", "communes-44-loire-atlantique", "communes-56-morbihan"):
        layer = features_from_geojson((BOUNDARIES / f"{name}.geojson").read_bytes())
        features += [f for f in layer.features if f.properties.get("code") in REDON_AREA]
    return features


@pytest.fixture
def moderator(db):
    user = make_user(db, "Modo", role="moderator")
    seed_builtin(db, user)
    db.commit()
    return user


@pytest.fixture
def zones(db, moderator):
    result = import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    db.commit()
    assert result.created == len(REDON_AREA) and result.errors == []
    return result
