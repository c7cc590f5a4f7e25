"""OpenStreetMap areas: multipolygon rings joined from their ways, holes put in their outer ring.

Pure (shapely only). A multipolygon relation lists ways with the role
``outer`` or ``inner`` (an empty role counts as ``outer``); a ring may be
drawn by several ways, each in either direction, joined end to end. Each
inner ring is a hole of the smallest outer ring that covers it. The area is
then checked: when it is invalid, shapely's ``make_valid`` (``structure``
method: outers united, holes cut out) repairs it, and the repair is only
said (« corrigé ») when the ground covered actually changed; two outer rings
sharing a side are merged without a word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import shapely
import shapely.errors
import shapely.geometry
from shapely.strtree import STRtree

CORRECTED = "polygone corrigé automatiquement (ses contours se croisaient ou se chevauchaient) : vérifiez son tracé."
LOST_INNER = "{n} contour(s) intérieur(s) hors de tout contour extérieur, laissé(s) de côté."


def way_names(way_ids: Sequence[str]) -> str:
    """« le chemin 12 » or « les chemins 12, 13 » (five ids at most), in French."""
    shown = ", ".join(way_ids[:5]) + (" …" if len(way_ids) > 5 else "")
    return f"le chemin {shown}" if len(way_ids) == 1 else f"les chemins {shown}"


def join_rings(ways: Sequence[tuple[str, list[str]]]) -> list[list[str]]:
    """Join ways (id, node refs) end to end into closed rings of node refs.

    :raises ValueError: a ring that does not close, or that closes on fewer than three points (French).
    """
    ends: dict[str, set[int]] = defaultdict(set)
    for index, (_, refs) in enumerate(ways):
        ends[refs[0]].add(index)
        ends[refs[-1]].add(index)
    used = [False] * len(ways)

    def take(index: int) -> list[str]:
        """Mark way ``index`` as used, forget its ends, and return its node refs."""
        used[index] = True
        refs = ways[index][1]
        ends[refs[0]].discard(index)
        ends[refs[-1]].discard(index)
        return refs

    rings = []
    for start, (way_id, _) in enumerate(ways):
        if used[start]:
            continue
        ring, names = list(take(start)), [way_id]
        while ring[0] != ring[-1]:
            following = next(iter(ends[ring[-1]]), None)
            if following is None:
                raise ValueError(f"multipolygone incomplet : le contour que forme {way_names(names)} ne se referme pas "
                                 "(un chemin manque ou n'est pas relié).")  # fmt: skip
            other = take(following)
            ring += other[1:] if other[0] == ring[-1] else other[-2::-1]
            names.append(ways[following][0])
        if len(ring) < 4:
            raise ValueError(f"multipolygone invalide : {way_names(names)} ferme un contour de moins de trois points.")
        rings.append(ring)
    return rings


def _holds(predicate: str, outer: Any, inner: Any) -> bool:
    try:
        return bool(getattr(outer, predicate)(inner))
    except shapely.errors.ShapelyError:
        return False


def assemble(outers: list[list[list[float]]], inners: list[list[list[float]]]) -> tuple[Any, str]:
    """A shapely (multi)polygon from outer and inner rings (closed coordinate lists), and its notice ("" if none).

    :raises ValueError: no ring encloses any ground (French).
    """
    shells = [shapely.geometry.Polygon(ring) for ring in outers]
    tree = STRtree(shells)  # only the outers whose box meets a hole's are tried: thousands of rings stay fast
    holes: list[list[list[list[float]]]] = [[] for _ in shells]
    lost = 0
    for ring in inners:
        hole = shapely.geometry.Polygon(ring)
        near = [int(i) for i in tree.query(hole)]
        around = [i for i in near if _holds("covers", shells[i], hole)]
        around = around or [i for i in near if _holds("intersects", shells[i], hole)]  # a broken one: repaired below
        if not around:
            lost += 1
            continue
        holes[min(around, key=lambda i: shells[i].area)].append(ring)
    polygons = [shapely.geometry.Polygon(ring, holes[i]) for i, ring in enumerate(outers)]
    shape = polygons[0] if len(polygons) == 1 else shapely.geometry.MultiPolygon(polygons)
    shape, notice = valid_area(shape)
    if lost:
        notice = " ".join(filter(None, [notice, LOST_INNER.format(n=lost)]))
    return shape, notice


def valid_area(shape: Any) -> tuple[Any, str]:
    """``shape`` made valid, and :data:`CORRECTED` only when that changed the ground it covers.

    :raises ValueError: nothing of it encloses any ground (French).
    """
    if shape.is_valid:
        return shape, ""
    fixed = shapely.make_valid(shape, method="structure", keep_collapsed=False)
    parts = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts or all(g.is_empty for g in parts):
        raise ValueError("polygone dégénéré : ses contours n'entourent aucune surface.")
    fixed = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    try:
        same = bool(fixed.equals(shape))
    except shapely.errors.ShapelyError:
        same = False
    return fixed, "" if same else CORRECTED


def to_geojson(shape: Any) -> dict[str, Any]:
    """The GeoJSON mapping of a shapely geometry, with lists (not tuples) for coordinates."""

    def walk(item: Any) -> Any:
        """``item`` with every tuple turned into a list, at any depth."""
        return [walk(sub) for sub in item] if isinstance(item, (list, tuple)) else item

    mapping = shapely.geometry.mapping(shape)
    return {"type": mapping["type"], "coordinates": walk(mapping["coordinates"])}
