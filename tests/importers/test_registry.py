"""The one registry of importers (``importers/__init__.py``), used by the command line and the screens."""

from __future__ import annotations

import pytest

import importers
from importers import available
from importers import get_importer
from importers import importer_class
from importers.base import Importer
from importers.layers import FORMATS
from importers.layers import LayerImporter


def test_every_registered_importer_is_an_importer_named_as_registered():
    assert available() == sorted(["ics", "geojson", "umap", "kml", "gpx", "osm", "zones", "yeswiki", "mediawiki",
                                  "table", "openagenda", "gpkg"])  # fmt: skip
    for name in available():
        cls = importer_class(name)
        assert issubclass(cls, Importer) and cls.name == name and cls.label and cls.__doc__


def test_the_upload_page_offers_exactly_the_layer_importers():
    assert set(FORMATS) == {n for n in available() if issubclass(importer_class(n), LayerImporter)}


def test_each_call_gives_a_new_importer_with_its_options():
    first, second = get_importer("kml", mapping={"title": "nom"}), get_importer("kml")
    assert first is not second and first.mapping == {"title": "nom"} and second.mapping is None
    assert get_importer("zones", level="epci").level == "epci"
    with pytest.raises(KeyError):
        get_importer("dbase")
    with pytest.raises(TypeError):
        get_importer("ics", mapping={})  # options belong to their importer


def test_init_app_registers_the_commands_and_the_screens_and_nothing_else(app):
    assert {"import", "zones"} <= set(app.cli.commands)
    assert {"importers.layer", "importers.calendar"} <= set(app.view_functions)
    assert not any(key.startswith("lieudit.importers") for key in app.extensions)
    assert importers.init_app.__doc__
