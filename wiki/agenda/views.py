"""Agenda routes: upcoming events, month grid, archives, event pages, occurrence changes, feeds.

Everything is rendered on the server and works without JavaScript. Every
agenda view takes the same filters in its URL (``theme``, ``zone``,
``organisateur``, ``formulaire``) and links to the iCalendar feed of exactly
that selection (``/agenda.ics?…``, also as ``webcal:``). Views parse the
request, call the services and render (STYLE R5).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki import hibernation
from wiki.agenda import occurrences
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.agenda.recurrence import schedule_zone
from wiki.auth import permissions
from wiki.db import get_session
from wiki.db import utcnow
from wiki.errors import ValidationError
from wiki.records import references
from wiki.records import services as records
from wiki.records import taxonomy
from wiki.records.values import MONTHS
from wiki.records.values import WEEKDAYS
from wiki.records.values import long_date

bp = Blueprint("agenda", __name__)
WHEN = ("aujourdhui", "weekend", "semaine", "mois", "jour")
UPCOMING_DAYS = 62
UPCOMING_MAX = 150  # occurrences per page of the list; "Plus tard" continues
PER_DAY = 6  # events shown in a day cell of the month grid
#: ``url_for``'s own options: a visitor's query string must not set them.
URL_FOR_OPTIONS = frozenset({"_anchor", "_method", "_scheme", "_external"})


def _zone() -> Any:
    return schedule_zone({"timezone": current_app.config["DEFAULT_TIMEZONE"]})


def _today() -> dt.date:
    return utcnow().astimezone(_zone()).date()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=_zone())


def _by_day(
    items: list[occurrences.AgendaItem], first: dt.date | None = None, last: dt.date | None = None
) -> list[tuple[dt.date, list[Any]]]:
    """Group occurrences under each local day they cover (within ``first``…``last``)."""
    days: dict[dt.date, list[Any]] = {}
    one_day = dt.timedelta(days=1)
    for item in items:
        day = item.start.date()
        end = day if item.end.date() == day else item.last_day  # most events: one day
        while day <= end:
            if (first is None or day >= first) and (last is None or day <= last):
                days.setdefault(day, []).append(item)
            day += one_day
    return sorted(days.items())


def _filter_menus() -> dict[str, Any]:
    db = get_session()
    return {
        "themes": [(t.key, t.label) for t in taxonomy.list_themes(db)],
        "organisers": occurrences.organisers(db),
        "forms": [(f.key, f.title) for f in projection.event_forms(db)],
        "communes": references.commune_options(db),
    }


def _feed_links(filters: occurrences.AgendaFilters) -> dict[str, str]:
    https = url_for("calendar_feeds.feed", _external=True, **filters.query_args())
    ics = url_for("calendar_feeds.feed", **filters.query_args())
    return {"ics": ics, "webcal": "webcal://" + https.split("://", 1)[1]}


def _directory_link(filters: occurrences.AgendaFilters) -> str | None:
    """The directory of the events shown, with the same theme and commune filters (one place, several views)."""
    forms = projection.event_forms(get_session())
    form = next((f for f in forms if f.key == filters.form), forms[0] if forms else None)
    if form is None:
        return None
    args: dict[str, Any] = {}
    for field in form.fields:
        if field.get("type") == "theme" and filters.themes:
            args[field["key"]] = list(filters.themes)
        elif field.get("type") == "zone" and filters.zones:
            args[field["key"]] = [code for code in filters.zones if ":" not in code]  # communes only
    return url_for("records.listing", key=form.key, **args)


def _render(template: str, **context: Any) -> str:
    filters = context["filters"]
    # One url_for per page, not per occurrence: grids and lists show hundreds of links.
    event_base = url_for("agenda.event", record_id=0)[:-1]
    return render_template(template, menus=_filter_menus(), feeds=_feed_links(filters), long_date=long_date,
                           filter_args=filters.query_args(), event_base=event_base,
                           directory=_directory_link(filters), **context)  # fmt: skip


@bp.route("/agenda")
def index() -> Any:
    """Upcoming events, day by day (today, this weekend, this week, this month, or from a date)."""
    db = get_session()
    filters = occurrences.parse_filters(request.args)
    today = _today()
    when = request.args.get("quand", "")
    first, last = today, today + dt.timedelta(days=UPCOMING_DAYS)
    try:
        if request.args.get("depuis"):
            first = dt.date.fromisoformat(request.args["depuis"][:10])
            last = first + dt.timedelta(days=UPCOMING_DAYS)
    except ValueError:
        flash(_("Date de départ invalide : AAAA-MM-JJ."), "error")
    if when == "aujourdhui":
        last = today
    elif when == "jour":
        last = first
    elif when == "weekend":
        first = today + dt.timedelta(days=max(5 - today.weekday(), 0)) if today.weekday() < 5 else today
        last = today + dt.timedelta(days=6 - today.weekday())
    elif when == "semaine":
        last = today + dt.timedelta(days=6 - today.weekday())
    elif when == "mois":
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    start = max(_midnight(first), utcnow()) if first == today else _midnight(first)
    items = occurrences.occurrences(db, start, _midnight(last + dt.timedelta(days=1)), filters, limit=UPCOMING_MAX + 1)
    if len(items) > UPCOMING_MAX and items[-1].start.date() > first:
        # Cut after the last whole day shown; "Plus tard" starts the day after.
        last = items[-1].start.date() - dt.timedelta(days=1)
        items = [i for i in items if i.start.date() <= last]
    days = _by_day(items, first, last)
    return _render("agenda/index.html", filters=filters, days=days, when=when, first=first, last=last,
                   later=last + dt.timedelta(days=1), whens=WHEN, today=today)  # fmt: skip


@bp.route("/agenda/mois")
def month_now() -> Any:
    """The current month's grid, with the filters of the query string."""
    args: dict[str, Any] = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in URL_FOR_OPTIONS}
    args["month"] = _today().strftime("%Y-%m")  # the current month, whatever the query string says
    return redirect(url_for("agenda.month", **args))


@bp.route("/agenda/mois/<month>")
def month(month: str) -> Any:
    """A month calendar grid, Monday first, rendered on the server."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        abort(404)
    if not 1900 < first.year < 2900:
        abort(404)
    filters = occurrences.parse_filters(request.args)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_first, grid_last = weeks[0][0], weeks[-1][-1]
    items, hidden = occurrences.grid_occurrences(get_session(), _midnight(grid_first), _midnight(grid_last + dt.timedelta(days=1)),
                                              filters, per_day=PER_DAY, zone=_zone())  # fmt: skip
    days = dict(_by_day(items, grid_first, grid_last))
    previous = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (first + dt.timedelta(days=32)).strftime("%Y-%m")
    return _render("agenda/month.html", filters=filters, weeks=weeks, days=days, first=first, today=_today(),
                   title=f"{MONTHS[first.month - 1]} {first.year}", previous=previous, following=following,
                   weekdays=WEEKDAYS, hidden=hidden)  # fmt: skip


@bp.route("/agenda/archives")
def archives() -> Any:
    """Past events of a year, most recent first."""
    today = _today()
    raw = request.args.get("annee", "")
    year = int(raw) if raw.isdigit() and 1900 < int(raw) <= today.year else today.year
    filters = occurrences.parse_filters(request.args)
    start = _midnight(dt.date(year, 1, 1))
    end = min(_midnight(dt.date(year + 1, 1, 1)), utcnow())
    items = (
        occurrences.occurrences(get_session(), start, end, filters, newest_first=True, limit=1000)
        if end > start
        else []
    )
    items = [i for i in items if i.end <= utcnow() or i.start < utcnow()]
    months: dict[int, list[Any]] = {}
    for item in items:
        months.setdefault(item.start.month, []).append(item)
    return _render("agenda/archives.html", filters=filters, months=sorted(months.items(), reverse=True), year=year,
                   years=range(today.year, today.year - 6, -1), month_names=MONTHS)  # fmt: skip


# --- one event ------------------------------------------------------------------------


def _policy() -> str:
    return hibernation.edit_policy()  # ``readonly`` while the wiki sleeps


def _json_ld(record: Any, info: dict[str, Any], items: list[occurrences.AgendaItem]) -> str:
    """schema.org Event of the next occurrence (or the first one), as JSON safe inside a script element."""
    item = items[0] if items else None
    schedule = info["schedule"] or {}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": info["title"],
        "url": url_for("agenda.event", record_id=record.id, _external=True),
        "eventStatus": "https://schema.org/EventCancelled"
        if item and item.cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if item:
        data["startDate"] = item.start.date().isoformat() if item.all_day else item.start.isoformat()
        if item.end and item.end != item.start:
            data["endDate"] = item.last_day.isoformat() if item.all_day else item.end.isoformat()
    elif schedule.get("start"):
        data["startDate"] = schedule["start"]
    if info["description"]:
        data["description"] = info["description"][:500]
    if info["location"] or info["point"]:
        place: dict[str, Any] = {"@type": "Place", "name": info["location"] or info["title"]}
        if info["location"]:
            place["address"] = info["location"]
        if info["point"]:
            lon, lat = info["point"]["coordinates"][:2]
            place["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
        data["location"] = place
    if info["organiser"]:
        data["organizer"] = {"@type": "Organization", "name": info["organiser"]}
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@bp.route("/agenda/evenements/<int:record_id>")
def event(record_id: int) -> Any:
    """An event: its dates in words, next and past occurrences, place, and how to add it to a calendar."""
    db = get_session()
    record, agenda_event = overrides.get_event(db, record_id, current_user)
    info = projection.event_values(db, record)
    coming = occurrences.event_occurrences(db, record, agenda_event)
    past = occurrences.event_occurrences(db, record, agenda_event, past=True, number=5)
    can_edit = current_user.is_authenticated and permissions.can_edit_record(current_user, record, _policy())
    return render_template(
        "agenda/event.html",
        record=record,
        event=agenda_event,
        info=info,
        coming=coming,
        past=past,
        described=projection.describe(record),
        can_edit=can_edit,
        json_ld=_json_ld(record, info, coming or past),
        long_date=long_date,
        render_longtext=records.render_longtext,
        event_base=url_for("agenda.event", record_id=0)[:-1],
    )


@bp.route("/agenda/evenements/<int:record_id>/occurrences/<key>", methods=["GET", "POST"])
def occurrence(record_id: int, key: str) -> Any:
    """Change, cancel or restore one occurrence of a series."""
    db = get_session()
    record, agenda_event = overrides.get_event(db, record_id, current_user)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if request.method == "GET" and not permissions.can_edit_record(current_user, record, _policy()):
        abort(403)  # a POST is checked by the overrides service, which raises Forbidden
    key = overrides.check_occurrence(record, agenda_event, key)
    change = (agenda_event.overrides or {}).get(key, {})
    values = {"start": change.get("start", key), "end": change.get("end", ""), "title": change.get("title", ""),
              "location": change.get("location", ""), "description": change.get("description", "")}  # fmt: skip
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action", "modifier")
        try:
            if action == "annuler":
                overrides.cancel_occurrence(db, record, agenda_event, key, actor=current_user, policy=_policy())
                message = _("Occurrence annulée : elle reste affichée, barrée, et les agendas abonnés la retirent.")
            elif action == "retablir":
                overrides.cancel_occurrence(
                    db, record, agenda_event, key, actor=current_user, policy=_policy(), cancelled=False
                )
                message = _("Occurrence rétablie.")
            elif action == "reinitialiser":
                overrides.reset_occurrence(db, record, agenda_event, key, actor=current_user, policy=_policy())
                message = _("Occurrence remise comme les autres.")
            else:
                submitted = {
                    name: request.form.get(name, "") for name in ("start", "end", "title", "location", "description")
                }
                values.update(submitted)
                overrides.change_occurrence(
                    db, record, agenda_event, key, submitted, actor=current_user, policy=_policy()
                )
                message = _("Occurrence modifiée ; les autres dates de la série ne changent pas.")
        except ValidationError as error:
            db.rollback()
            errors = error.errors or {"start": error.message}
        else:
            db.commit()
            flash(message, "success")
            return redirect(url_for("agenda.event", record_id=record.id))
    return (
        render_template(
            "agenda/occurrence.html",
            record=record,
            event=agenda_event,
            key=key,
            values=values,
            errors=errors,
            cancelled=key in (agenda_event.cancelled or []),
            changed=bool(change),
        ),  # fmt: skip
        400 if errors else 200,
    )
