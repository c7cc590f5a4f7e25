"""``/api/v1/zones``: the territory's zones (communes, cantons, EPCI, départements…), without their boundaries.

``?niveau=commune`` keeps one level; the list is paginated like every list
of the API. A zone is known by its level and code (codes are unique per
level only); each links to its page ``/zones/<level>/<code>`` (``geodata``).
"""

from __future__ import annotations

from flask import Response
from flask import request
from flask import url_for

from geodata import zones as geo
from geodata.levels import LEVELS
from wiki import paging
from wiki.api import openapi
from wiki.api.blueprint import bp
from wiki.api.conventions import json_response
from wiki.db import get_session


@bp.get("/zones", endpoint="zones_index")
@openapi.describe(
    operation_id="listZones",
    summary="Territory zones (communes, cantons, EPCI, départements…), without their boundaries.",
    security=openapi.READ,
    parameters=[
        openapi.query("niveau", "Only zones of this level.", enum=list(LEVELS)),
        *openapi.PAGING,
    ],
    responses=openapi.ok("ZoneList", "A slice of the zones, by level and name."),
)
def index() -> Response:
    """``/api/v1/zones[?niveau=commune]``: the zones, without their boundaries."""
    level = request.args.get("niveau") or request.args.get("level")
    items = geo.list_zones(get_session(), level if level in LEVELS else None)
    limit, offset = paging.clamp(request.args)
    page = items[offset : offset + limit]
    return json_response(
        {
            "total": len(items),
            "limit": limit,
            "offset": offset,
            "items": [
                geo.public_zone(z, url_for("geo.zone", level=z.level, code=z.code, _external=True)) for z in page
            ],
        }
    )
