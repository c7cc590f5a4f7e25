"""Regenerate ``wiki/demo/communes.geojson``: the simplified outlines of the demo's 28 communes.

Reads the communes the demo uses (``wiki/demo/places.toml``, through
:func:`wiki.demo.places.demo_communes`) out of the IGN Admin Express derived
files of the three départements (``communes-{35,44,56}-*.geojson``, Licence
Ouverte / Etalab, see ``wiki/demo/SOURCES.md``), simplifies each outline with
shapely (``simplify``, topology preserved, tolerance ``--tolerance`` degrees),
rounds coordinates to 5 decimals (about a metre) and writes a GeoJSON
FeatureCollection whose features carry ``code`` and ``nom``, sorted by code.

Usage: ``.venv/bin/python bench/demo_communes.py [--source DIR] [--tolerance 0.0004]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shapely.geometry import mapping
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wiki.demo.places import demo_communes  # noqa: E402

SOURCE = Path("/work/shared/data/geodata/admin-boundaries")
TARGET = ROOT / "wiki/demo/communes.geojson"
FILES = ("communes-35-ille-et-vilaine", "communes-44-loire-atlantique", "communes-56-morbihan")


def _rounded(value: Any) -> Any:
    """Coordinates rounded to 5 decimals, at any depth."""
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return round(value, 5)


def outlines(source: Path, tolerance: float) -> dict[str, Any]:
    """The demo communes' simplified outlines as a GeoJSON FeatureCollection."""
    wanted = {code: name for code, name, _, _ in demo_communes()}
    features = []
    for name in FILES:
        for feature in json.loads((source / f"{name}.geojson").read_text(encoding="utf-8"))["features"]:
            code = str(feature["properties"].get("code"))
            if code not in wanted:
                continue
            simple = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
            geometry = mapping(simple)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "nom": feature["properties"].get("nom") or wanted[code]},
                    "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
                }
            )
    missing = sorted(set(wanted) - {f["properties"]["code"] for f in features})
    if missing:
        raise SystemExit(f"communes missing from the source files: {', '.join(missing)}")
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    """Write the file and say how big it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="folder of the communes-*.geojson files")
    parser.add_argument("--tolerance", type=float, default=0.0004, help="simplification tolerance, in degrees")
    args = parser.parse_args()
    collection = outlines(args.source, args.tolerance)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    TARGET.write_text(text + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(collection['features'])} communes, {len(text.encode()) // 1024} KB")


if __name__ == "__main__":
    main()
