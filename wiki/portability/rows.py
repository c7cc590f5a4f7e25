"""Rows of the dump: which tables travel, in what order, and how values become JSON.

The tables are those of the metadata the caller passes
(``migrate.load_metadata()``): tables other packages add are included without
change here. Values are encoded by column type (dates as
ISO 8601, binary as base64, JSON as is) and decoded back by the same type,
so a dump written from SQLite loads into PostgreSQL and the other way round.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import LargeBinary
from sqlalchemy import MetaData
from sqlalchemy import Numeric
from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy.types import TypeDecorator
from sqlalchemy.types import TypeEngine

#: Rows read, inserted or updated per round trip to the database.
BATCH = 1000


def base_type(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    """Return the database type under any ``TypeDecorator`` layers of ``kind``."""
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def encode_value(column: Column[Any], value: Any) -> Any:
    """Turn a value read from ``column`` into JSON."""
    if value is None:
        return None
    kind = base_type(column.type)
    if isinstance(kind, JSON):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def decode_value(column: Column[Any], value: Any) -> Any:
    """Turn a JSON value back into what ``column`` takes."""
    if value is None:
        return None
    kind = base_type(column.type)
    if isinstance(kind, JSON):
        return value
    if isinstance(kind, DateTime):
        parsed = datetime.fromisoformat(value)
        # UTC columns hand out aware datetimes and take them back.
        return parsed if parsed.tzinfo or not isinstance(column.type, TypeDecorator) else parsed.replace(tzinfo=UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


def _order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(conn: Any, table: Table) -> Iterator[dict[str, Any]]:
    """Yield the rows of ``table`` as JSON objects, in primary-key order."""
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*_order(table))
    )
    for row in result.mappings():
        yield {column.name: encode_value(column, row[column.name]) for column in table.columns}


def sorted_tables(metadata: MetaData) -> list[Table]:
    """Tables in foreign-key order (cycles broken by SQLAlchemy), without database-specific ones.

    A table declared for some databases only (``info["dialects"]``: the
    PostgreSQL search index, the PostGIS copies of geometries) holds derived
    data that the target rebuilds (``lieudit search rebuild``, triggers): it
    is neither dumped nor loaded, so dumps travel between SQLite and PostgreSQL.
    A table marked ``info["dumped"] = False`` (the short-retention IP log and
    the anti-spam counters, :mod:`wiki.moderation.spam_models`) never leaves
    the instance either: a dump kept for years must not keep addresses.
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        return [
            table
            for table in metadata.sorted_tables
            if not table.info.get("dialects") and table.info.get("dumped", True)
        ]
