"""Located records to a GeoJSON FeatureCollection (RFC 7946), streamed (pure).

Pure module: no flask, no database. Features come in as plain values (the
public values of a record, its geometry as the map projects it); text goes
out as byte chunks, one per batch of records, so an export of any size runs
in constant memory. Geometry fields are the feature's geometry, never
properties.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any


def located_record_to_geojson_feature(
    *,
    record_id: int,
    url: str,
    title: str,
    values: Mapping[str, Any],
    updated_at: dt.datetime,
    approximate: bool,
    geometry: Mapping[str, Any],
) -> dict[str, Any]:
    """Write one record as a Feature: its public ``values`` as properties, framed by id, address and dates."""
    properties = {
        "id": record_id,
        "url": url,
        "title": title,
        **values,
        "updated_at": updated_at.isoformat(timespec="seconds"),
        "approximate": approximate,
    }
    return {"type": "Feature", "id": record_id, "geometry": geometry, "properties": properties}


def features_to_geojson(batches: Iterable[Iterable[Mapping[str, Any]]]) -> Iterator[bytes]:
    """Yield a FeatureCollection in UTF-8 chunks: the head, one chunk per batch of features, the tail."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for batch in batches:
        chunk = []
        for feature in batch:
            text = json.dumps(feature, ensure_ascii=False, separators=(",", ":"), default=str)
            chunk.append(text if first else "," + text)
            first = False
        yield "".join(chunk).encode("utf-8")
    yield b"]}"
