"""Map routes: ``/carte`` (all layers) and ``/carte/<form>``, zone pages and layer data.

Every map page is complete without JavaScript: the filters are a GET form,
the records shown on the map are also listed in a table beside it. The map
script only fetches ``/carte/calque.geojson`` (the same filters plus
``bbox``) and ``/carte/zones.geojson``. A zone's page is
``/zones/<level>/<code>`` (codes are unique per level only); the old
``/zones/<code>`` redirects to the commune of that code, else to the only
zone that has it, else lists the homonyms. The GeoJSON download of a whole
dataset (``/donnees/<form>.geojson``) is served by :mod:`wiki.exports`, like
every other download; ``/api/v1/zones`` by :mod:`wiki.api.zones`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import send_from_directory
from flask import url_for
from flask_login import current_user

from geodata import placement
from geodata import services
from geodata import zones as zone_services
from geodata.levels import DEFAULT_LEVEL
from geodata.levels import LEVELS
from geodata.levels import zone_key
from geodata.models import Zone
from geodata.services import LayerQuery
from wiki.auth import permissions
from wiki.db import get_session
from wiki.records import form_services
from wiki.records import taxonomy

bp = Blueprint("geo", __name__)

PER_PAGE = 100
#: ``url_for``'s own options: a visitor's query string must not set them.
URL_FOR_OPTIONS = frozenset({"_anchor", "_method", "_scheme", "_external"})
#: Colours of layers, in order (the legend and the map use the same classes).
PALETTE = 8
LEAFLET_FILES = frozenset(
    {
        "leaflet.js",
        "leaflet.css",
        "images/marker-icon.png",
        "images/marker-icon-2x.png",
        "images/marker-shadow.png",
        "images/layers.png",
        "images/layers-2x.png",
    }
)


def _located_forms() -> list[Any]:
    return [
        f for f in form_services.list_forms(get_session()) if placement.geometry_field(f) or placement.commune_field(f)
    ]


def _query(forms: list[Any], *, cluster_above: int = 500) -> LayerQuery:
    """Build the layer query from the URL's filters (bounded, allowlisted)."""
    return services.layer_query(get_session(), forms, request.args, cluster_above=cluster_above)


def _selected_forms(forms: list[Any]) -> list[Any]:
    wanted = request.args.getlist("calque")
    return [f for f in forms if f.key in wanted] if wanted else forms


def _record_urls(external: bool = False) -> Any:
    """Build record addresses from one ``url_for`` (thousands per layer response)."""
    prefix = url_for("records.show", record_id=1, _external=external)[:-1]
    return lambda record_id: f"{prefix}{record_id}"


def _map_settings() -> dict[str, Any]:
    return {"tiles": current_app.config["MAP_TILE_URL"], "attribution": current_app.config["MAP_ATTRIBUTION"]}


def _page() -> int:
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() and len(raw) < 6 else 1


def _page_args(page: int) -> dict[str, Any]:
    """The arguments of the current address, on another page of the list."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in URL_FOR_OPTIONS}
    return {**(request.view_args or {}), **args, "page": page}


def _map_page(forms: list[Any], selected: list[Any], *, single: Any = None) -> str:
    db = get_session()
    q = _query(selected)
    page = _page()
    rows, total = services.located_records(db, q, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    colours = {f.id: i % PALETTE for i, f in enumerate(forms)}
    titles = {f.id: f.title for f in forms}
    themes = taxonomy.list_themes(db)
    addable = (
        [f for f in selected if placement.geometry_field(f)]
        if permissions.can_add_record(current_user, current_app.config["EDIT_POLICY"])
        else []
    )
    pager = {n: url_for(str(request.endpoint), **_page_args(n)) for n in (page - 1, page + 1) if n >= 1}
    layer_args: dict[str, Any] = {
        k: request.args.getlist(k) for k in ("theme", "zone", "statut") if request.args.getlist(k)
    }
    layer_args["calque"] = [f.key for f in selected]
    return render_template(
        "geo/map.html",
        forms=forms,
        selected=selected,
        single=single,
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        colours=colours,
        titles=titles,
        themes=themes,
        zones=zone_services.list_zones(db, "commune"),
        lq=q,
        layer_url=url_for("geo.layer_data", **layer_args),
        zones_url=url_for("geo.zone_data"),
        settings=_map_settings(),
        addable=[(f, placement.geometry_field(f)) for f in addable],
        pager=pager,
    )


@bp.route("/carte")
def map_all() -> Any:
    """The map of every located form, with filters and the list of what it shows."""
    forms = _located_forms()
    return _map_page(forms, _selected_forms(forms))


@bp.route("/carte/<key>")
def map_form(key: str) -> Any:
    """The map of one form."""
    form = form_services.get_form(get_session(), key)
    if form not in _located_forms():
        abort(404)
    return _map_page([form], [form], single=form)


@bp.route("/carte/calque.geojson")
def layer_data() -> Any:
    """GeoJSON of the map's layers for ``?bbox=`` and the filters; dense points come as clusters."""
    forms = _located_forms()
    selected = _selected_forms(forms)
    q = _query(selected, cluster_above=int(current_app.config["MAP_CLUSTER_ABOVE"]))
    db = get_session()
    data = services.layer(
        db, q, form_keys={f.id: f.key for f in forms}, url=_record_urls(), theme_ids=services.theme_field_ids(selected)
    )
    response = Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), mimetype="application/geo+json")
    response.cache_control.public = True
    response.cache_control.max_age = 30
    return response


@bp.route("/carte/zones.geojson")
def zone_data() -> Any:
    """Simplified outlines of the communes, or of ``?niveau=``'s zones (their centres when no boundary is loaded)."""
    level = request.args.get("niveau") or DEFAULT_LEVEL
    if level not in LEVELS:
        abort(404)
    response = jsonify(zone_services.zone_outlines(get_session(), level=level))
    response.mimetype = "application/geo+json"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.route("/-/carte/leaflet/<path:name>")
def leaflet(name: str) -> Any:
    """Serve Leaflet's files from its Python package (never vendored)."""
    if name not in LEAFLET_FILES:
        abort(404)
    import xstatic.pkg.leaflet as package

    return send_from_directory(Path(package.BASE_DIR), name, max_age=86_400)


def zone_url(zone: Zone, **options: Any) -> str:
    """The address of a zone's page."""
    return url_for("geo.zone", level=zone.level, code=zone.code, **options)


def _by_level(items: list[Zone]) -> list[tuple[str, Any, list[Zone]]]:
    """``(level, heading, zones)`` of the levels that have zones, from the smallest level."""
    grouped: dict[str, list[Zone]] = {}
    for item in items:
        grouped.setdefault(item.level, []).append(item)
    return [(lv, zone_services.LEVEL_HEADINGS[lv], grouped[lv]) for lv in LEVELS if lv in grouped]


@bp.route("/zones")
def zones() -> Any:
    """Every zone of the territory, by level."""
    items = zone_services.list_zones(get_session())
    return render_template("geo/zones.html", groups=_by_level(items), zone_url=zone_url)


@bp.route("/zones/<code>")
def zone_by_code(code: str) -> Any:
    """The old address of a zone: the commune with that code, else the only zone with it, else its homonyms."""
    found = zone_services.zones_with_code(get_session(), code)
    if not found:
        abort(404)
    if len(found) == 1 or found[0].level == DEFAULT_LEVEL:
        return redirect(zone_url(found[0]), 301)
    return render_template("geo/zones.html", groups=_by_level(found), zone_url=zone_url, homonyms=found[0].code)


@bp.route("/zones/<level>/<code>")
def zone(level: str, code: str) -> Any:
    """A zone's page: its initiatives, places and upcoming events, on a map and as lists."""
    if level not in LEVELS:
        abort(404)
    db = get_session()
    item = zone_services.get_zone(db, code, level)
    by_form = zone_services.records_in_zone(db, item)
    forms = {f.key: f for f in form_services.list_forms(db)}
    order = sorted(by_form, key=lambda k: (["initiative", "lieu", "evenement", "structure"] + [k]).index(k))
    located = [f for f in _located_forms() if f.key in by_form]
    key = zone_key(item.level, item.code)
    layer_url = url_for("geo.layer_data", zone=key, calque=[f.key for f in located] or ["-"])
    return render_template(
        "geo/zone.html",
        zone=item,
        zone_key=key,
        level_label=zone_services.LEVEL_LABELS[item.level],
        by_form=by_form,
        order=order,
        forms=forms,
        settings=_map_settings(),
        layer_url=layer_url,
        zones_url=url_for("geo.zone_data", niveau=None if item.level == DEFAULT_LEVEL else item.level),
        colours={f.id: i % PALETTE for i, f in enumerate(_located_forms())},
    )
