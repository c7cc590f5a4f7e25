"""Which zones contain (or touch) geometries: an STR-tree of the zones' shapes.

Pure, like :mod:`geodata.geometry`, apart from it so that shapely (and numpy
beneath it, 15 MB of a worker's memory) loads when a record is first placed in
its zones, not with every process that only reads pages (issue 19).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import Literal
from typing import TypeVar

import shapely
from shapely.strtree import STRtree

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

#: What names a zone in a :class:`ZoneIndex` (a code, a ``(level, code)`` pair…).
K = TypeVar("K", bound="SupportsRichComparison")


class ZoneIndex(Generic[K]):
    """Find which zones contain (or touch) geometries, with an STR-tree.

    Built once from ``(key, geometry)`` pairs (a key names a zone: its code,
    its level and code…); every lookup is a tree query followed by exact
    predicates on the candidates only.
    """

    def __init__(self, zones: Iterable[tuple[K, Mapping[str, Any]]]) -> None:
        self.codes: list[K] = []
        shapes = []
        for code, geometry in zones:
            shape = shapely.geometry.shape(dict(geometry))
            if shape.is_empty:
                continue
            if not shape.is_valid:
                shape = shapely.make_valid(shape)
            shapely.prepare(shape)
            self.codes.append(code)
            shapes.append(shape)
        self.shapes = shapes
        self.tree = STRtree(shapes)

    def containing(self, geometry: Mapping[str, Any]) -> list[K]:
        """Keys of the zones a geometry lies in (a point) or crosses (a line or an area), sorted."""
        shape = shapely.geometry.shape(dict(geometry))
        predicate: Literal["within", "intersects"] = "within" if geometry["type"] == "Point" else "intersects"
        hits = self.tree.query(shape, predicate=predicate)
        if geometry["type"] == "Point" and len(hits) == 0:  # exactly on a boundary
            hits = self.tree.query(shape, predicate="intersects")
        return sorted(self.codes[i] for i in hits)

    def containing_points(self, lonlats: list[list[float]]) -> list[list[K]]:
        """:meth:`containing` for many points at once (a point on a boundary lies in the zones it touches)."""
        if not lonlats:
            return []
        points = shapely.points(lonlats)
        found: list[list[K]] = [[] for _ in lonlats]
        inside, zone = self.tree.query(points, predicate="within")
        for point_i, zone_i in zip(inside, zone, strict=True):
            found[point_i].append(self.codes[zone_i])
        alone = [i for i, codes in enumerate(found) if not codes]
        if alone:
            touching, zone = self.tree.query(points[alone], predicate="intersects")
            for point_i, zone_i in zip(touching, zone, strict=True):
                found[alone[point_i]].append(self.codes[zone_i])
        return [sorted(codes) for codes in found]

    def points(self, lonlats: list[tuple[float, float]]) -> list[list[K]]:
        """Keys of the zones containing each point, for many points at once."""
        if not lonlats:
            return []  # shapely cannot make points of an empty list
        points = shapely.points(lonlats)
        pairs = self.tree.query(points, predicate="intersects")
        found: list[list[K]] = [[] for _ in lonlats]
        for point_i, zone_i in zip(pairs[0], pairs[1], strict=True):
            found[point_i].append(self.codes[zone_i])
        return [sorted(codes) for codes in found]
