"""Territory zones, the geometry of records and which zones each record lies in.

``RecordGeometry`` is a derived, indexed projection of a record's public
geometry field (like ``RecordFacet`` for filters): its bounding box columns
make bbox queries an indexed range scan on SQLite and PostgreSQL alike, and
``lon``/``lat`` (a point on the geometry) feed server-side clustering. It is
rebuilt from the record on every save, so it never holds anything the record
does not. ``RecordZone`` says which communes (and other zones) a record lies
in, each named by its level and code: codes are unique per level only
(:mod:`geodata.levels`). (What imported features became is the importers' own table,
``importers.models.ImportItem``.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import UniqueConstraint
from sqlalchemy.dialects.postgresql.base import ischema_names as postgresql_types
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import UserDefinedType

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class Geometry(UserDefinedType[Any]):
    """PostGIS ``geometry(GEOMETRY, 4326)``, the column of the trigger-maintained copies below.

    Those columns are written by triggers and only ever compared (``&&``) in
    queries, never read into Python, so this small type does what
    GeoAlchemy2's did here without importing it: GeoAlchemy2 loads shapely and
    numpy, 20 MB in every worker (issue 19).
    """

    cache_ok = True

    def __init__(self, *reflected: Any) -> None:
        """Take (and ignore) the arguments reflection reads from ``geometry(Geometry,4326)``."""

    def get_col_spec(self, **kw: Any) -> str:
        """The column's SQL type."""
        return "geometry(GEOMETRY,4326)"

    class comparator_factory(UserDefinedType.Comparator["Geometry"]):  # noqa: N801 - SQLAlchemy's name
        """``intersects``: the bounding boxes overlap (``&&``, through the GiST index)."""

        def intersects(self, other: Any) -> Any:
            """``self && other``."""
            return self.op("&&", return_type=Boolean)(other)


#: Reflection (the models-vs-migrations comparison) reads PostGIS columns as this type, as GeoAlchemy2 did.
postgresql_types.setdefault("geometry", Geometry)


class Zone(Base):
    """A commune, canton, intercommunalité, département, région or other zone, with its code (unique per level)."""

    __tablename__ = "zones"
    __table_args__ = (
        Index("ix_zones_level_name", "level", "name"),
        UniqueConstraint("level", "code", name="uq_zones_level_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), default="commune")
    #: Full boundary (GeoJSON), None when only the centre is known.
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    centre_lon: Mapped[float]
    centre_lat: Mapped[float]
    min_lon: Mapped[float]
    min_lat: Mapped[float]
    max_lon: Mapped[float]
    max_lat: Mapped[float]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordGeometry(Base):
    """The public geometry of one record, with its bounding box."""

    __tablename__ = "record_geometries"
    __table_args__ = (Index("ix_record_geometries_points", "kind", "lat", "lon", "status", "form_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    #: The record's status (published and archived ones are public).
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    #: Copied from the record so map layers need no join: title and a short public summary.
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(300), default="")
    geometry: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: True when placed at its commune's centre (no geometry was given).
    approximate: Mapped[bool] = mapped_column(default=False)
    lon: Mapped[float]
    lat: Mapped[float]
    min_lon: Mapped[float]
    min_lat: Mapped[float]
    max_lon: Mapped[float]
    max_lat: Mapped[float]


class RecordZone(Base):
    """A record lies in (or crosses) the zone of this level and code."""

    __tablename__ = "record_zones"
    __table_args__ = (Index("ix_record_zones_zone", "zone_level", "zone_code", "record_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    zone_level: Mapped[str] = mapped_column(String(16), primary_key=True)
    zone_code: Mapped[str] = mapped_column(String(16), primary_key=True)


#: PostGIS copy of each record geometry (WGS 84), maintained by a trigger on ``record_geometries``.
record_shapes = Table(
    "record_shapes",
    Base.metadata,
    Column("record_id", Integer, ForeignKey("record_geometries.record_id", ondelete="CASCADE"), primary_key=True),
    Column("geom", Geometry(), nullable=False),
    Index("ix_record_shapes_geom", "geom", postgresql_using="gist"),
    info={"dialects": ("postgis",)},
)

#: PostGIS copy of each zone boundary (repaired when invalid), maintained by a trigger on ``zones``.
zone_shapes = Table(
    "zone_shapes",
    Base.metadata,
    Column("zone_id", Integer, ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
    Column("geom", Geometry(), nullable=False),
    Index("ix_zone_shapes_geom", "geom", postgresql_using="gist"),
    info={"dialects": ("postgis",)},
)
