"""Datasets to Frictionless Data Packages with a Table Schema generated from the form (pure).

Pure module. The package is a plain ``data-package``: its two CSV resources
are ``tabular-data-resource`` tables carrying the schema (one Table Schema field
per column, with its type, format, ``required`` and ``enum`` constraints, title
and description, and ``id`` as primary key); the other downloads are listed as
``data-resource`` files (``type: file``, with their format, media type and
encoding): they are not tables (JSON, GeoJSON, iCalendar), or the same table in
a workbook that a plain ``frictionless`` install cannot read (XLSX, ODS).
``frictionless validate`` accepts the descriptor as served, the CSV rows
checked against the schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wiki.exports.columns import LIST_SEPARATOR
from wiki.exports.columns import Column
from wiki.exports.datasets import Dataset

#: Profile of the package and of its resources (Frictionless v1 specs).
PACKAGE_PROFILE = "data-package"
TABLE_SCHEMA_PROFILE = "tabular-data-resource"
FILE_PROFILE = "data-resource"
#: The distributions that are tables described by the schema.
TABLES = ("csv", "csv-tableur")
#: Distributions written as UTF-8 text (the others are binary: no ``encoding``).
TEXT = ("json", "geojson", "ics")


def column_to_field(column: Column) -> dict[str, Any]:
    """Return the Table Schema field descriptor of a column."""
    field: dict[str, Any] = {"name": column.name, "type": column.table_type, "title": column.title}
    if column.format != "default":
        field["format"] = column.format
    if column.description:
        field["description"] = column.description
    if column.table_type == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        field["constraints"] = constraints
    return field


def columns_to_table_schema(columns: Sequence[Column]) -> dict[str, Any]:
    """Return the Table Schema of a dataset's CSV."""
    schema: dict[str, Any] = {"fields": [column_to_field(c) for c in columns], "missingValues": [""]}
    if any(c.name == "id" for c in columns):
        schema["primaryKey"] = ["id"]
    return schema


def dataset_to_datapackage(dataset: Dataset) -> dict[str, Any]:
    """Return the ``datapackage.json`` descriptor of a form's dataset."""
    resources: list[dict[str, Any]] = []
    for dist in dataset.distributions:
        resource: dict[str, Any] = {
            "name": f"{dataset.key}-{dist.name}", "path": dataset.download_url(dist), "title": f"{dataset.title} ({dist.label})",
            "description": str(dist.description), "format": dist.extension.rsplit(".", 1)[-1], "mediatype": dist.media_type,
        }  # fmt: skip
        if dist.name in TABLES:
            resource.update(profile=TABLE_SCHEMA_PROFILE, type="table", encoding="utf-8" if dist.name == "csv" else "utf-8-sig",
                            schema=columns_to_table_schema(dataset.columns))  # fmt: skip
            resource["dialect"] = {"delimiter": "," if dist.name == "csv" else ";", "header": True}
        else:
            resource.update(profile=FILE_PROFILE, type="file", **({"encoding": "utf-8"} if dist.name in TEXT else {}))
        resources.append(resource)
    package: dict[str, Any] = {
        "profile": PACKAGE_PROFILE,
        "name": dataset.key.replace("_", "-"),
        "id": dataset.landing_url,
        "title": dataset.title,
        "description": dataset.description,
        "homepage": dataset.landing_url,
        "licenses": [{"name": dataset.license.spdx, "path": dataset.license.url, "title": dataset.license.label}],
        "sources": [
            {"title": dataset.publisher_name, **({"path": dataset.publisher_url} if dataset.publisher_url else {})}
        ],
        "keywords": dataset.keywords + [label for _, label in dataset.themes],
        "resources": resources,
        "x-lieudit": {"list_separator": LIST_SEPARATOR, "record_count": dataset.record_count},
    }
    if dataset.modified:
        package["created"] = dataset.modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    return package
