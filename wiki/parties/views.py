"""Wiki-party screens: open a party, join it by code or QR code, its live board and its end report.

The board, its event stream and the report are reached by the party's code
(a projector needs no login); only organisers see the QR code and tick goals.
Party pages are never kept by the anonymous response cache (``no-store``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.auth import permissions
from wiki.auth.views import _start_session
from wiki.auth.views import account_settings
from wiki.db import Database
from wiki.db import get_session
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.moderation import guard_views as form_guard
from wiki.parties import board
from wiki.parties import services
from wiki.parties.models import Party

bp = Blueprint("parties", __name__)


def _no_store(response: Any, status: int = 200) -> Response:
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _local(party: Party) -> dict[str, Any]:
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    return {"starts": party.starts_at.astimezone(zone), "ends": party.ends_at.astimezone(zone)}


def _is_guest_of(party: Party) -> bool:
    return bool(current_user.is_authenticated and getattr(current_user, "party_id", None) == party.id)


@bp.route("/-/ateliers", methods=["GET", "POST"])
def index() -> Any:
    """The organisers' list of parties and the form that opens one."""
    if not permissions.can_organise_party(current_user):
        raise Forbidden(_("Seuls les modérateurs et les administrateurs organisent des wiki-parties."))
    db = get_session()
    errors: dict[str, str] = {}
    form = {k: request.form.get(k, "") for k in ("title", "day", "start", "end", "place", "commune", "goals")}
    if request.method == "POST":
        try:
            party = services.open_party(
                db, services.PartyInput(**form), actor=current_user, timezone=current_app.config["DEFAULT_TIMEZONE"]
            )
        except ValidationError as err:
            db.rollback()
            errors = err.errors or {"title": err.message}
        else:
            db.commit()
            flash(_("Atelier ouvert. Son code : %(code)s.", code=services.display_code(party.code)), "success")
            return redirect(url_for("parties.show", code=party.code))
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    parties = [(p, p.starts_at.astimezone(zone)) for p in services.recent_parties(db)]
    html = render_template("parties/index.html", parties=parties, form=form, errors=errors, now=utcnow())
    return _no_store(html, 400 if errors else 200)


@bp.route("/-/atelier", methods=["GET", "POST"])
def enter() -> Any:
    """Type a party's code to join it."""
    code = services.normalise_code(request.values.get("code", ""))
    error = ""
    if code:
        try:
            party = services.get_party(get_session(), code)
        except NotFound as err:
            error = err.message
        else:
            return redirect(url_for("parties.join", code=party.code))
    html = render_template("parties/enter.html", code=request.values.get("code", ""), error=error)
    return _no_store(html, 404 if error else 200)


@bp.route("/-/atelier/<code>")
def show(code: str) -> Any:
    """The party's page: what to do, its goals; for organisers, its code, QR code and tools."""
    db = get_session()
    party = services.get_party(db, code)
    summary = board.summarise(db, party)
    organiser = permissions.can_organise_party(current_user)
    rollback_url = _rollback_url(db, party) if organiser else ""
    db.rollback()
    html = render_template(
        "parties/show.html",
        party=party,
        summary=summary,
        code=services.display_code(party.code),
        organiser=organiser,
        guest=_is_guest_of(party),
        is_open=services.is_open(party),
        rollback_url=rollback_url,
        join_url=url_for("parties.join", code=party.code, _external=True),
        **_local(party),
    )
    return _no_store(html)


def _rollback_url(db: Any, party: Party) -> str:
    """The mass rollback preview of everything the party's guests did during the party."""
    names = services.guest_account_names(db, party)[:50]
    if not names:
        return ""
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    since = (party.starts_at - services.EARLY_JOIN).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    return url_for("rollback.new") + "?" + urlencode({"auteur": ",".join(names), "depuis": since})


@bp.route("/-/atelier/<code>/rejoindre", methods=["GET", "POST"])
def join(code: str) -> Any:
    """Choose a pseudonym and join the party as a guest contributor."""
    db = get_session()
    party = services.get_party(db, code)
    if _is_guest_of(party):
        return redirect(url_for("parties.show", code=party.code))
    errors: dict[str, str] = {}
    pseudonym = request.form.get("pseudonym", "")
    if request.method == "POST":
        try:
            form_guard.check_form(field="pseudonym")
            user = services.join(db, party, pseudonym, settings=account_settings())
        except ValidationError as err:
            db.rollback()
            errors = err.errors or {"pseudonym": err.message}
        else:
            db.commit()
            _start_session(user)
            flash(
                _("Bienvenue, %(name)s ! Vous pouvez contribuer jusqu’à la fin de l’atelier.", name=pseudonym),
                "success",
            )
            return redirect(url_for("parties.show", code=party.code))
    html = render_template(
        "parties/join.html",
        party=party,
        pseudonym=pseudonym,
        errors=errors,
        is_open=services.is_open(party),
        code=services.display_code(party.code),
        **_local(party),
    )
    return _no_store(html, 400 if errors else 200)


@bp.route("/-/atelier/<code>/objectifs/<int:goal_id>", methods=["POST"])
def tick(code: str, goal_id: int) -> Any:
    """Tick a goal by hand, or untick it (organisers)."""
    db = get_session()
    party = services.get_party(db, code)
    services.tick_goal(db, party, goal_id, request.form.get("done") == "1", actor=current_user)
    db.commit()
    return redirect(url_for("parties.show", code=party.code, _anchor="objectifs"))


@bp.route("/-/atelier/<code>/qr.svg")
def qr(code: str) -> Any:
    """The printable QR code that opens the party's join page."""
    party = services.get_party(get_session(), code)
    svg = services.qr_svg(url_for("parties.join", code=party.code, _external=True))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.route("/-/atelier/<code>/tableau")
def board_page(code: str) -> Any:
    """The live board for a projector: refreshed by a meta refresh without JavaScript, by events with it."""
    db = get_session()
    party = services.get_party(db, code)
    summary = board.summarise(db, party)
    stamp = board.stamp(db, party)
    db.rollback()
    html = render_template(
        "parties/board.html",
        party=party,
        summary=summary,
        stamp=stamp,
        code=services.display_code(party.code),
        refresh=int(current_app.config["PARTY_BOARD_REFRESH_SECONDS"]),
        is_open=services.is_open(party),
        map_size=(board.MAP_WIDTH, board.MAP_HEIGHT),
        **_local(party),
    )
    return _no_store(html)


@bp.route("/-/atelier/<code>/flux")
def stream(code: str) -> Any:
    """Server-sent events: ``change`` when the board changed, for a bounded time (the browser reconnects).

    Each poll is one short read in its own session: no transaction stays open while waiting.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    party_id = services.get_party(get_session(), code).id
    get_session().rollback()
    seconds = float(app.config["PARTY_STREAM_SECONDS"])
    every = float(app.config["PARTY_STREAM_POLL_SECONDS"])
    first = request.headers.get("Last-Event-ID", "")[:32]

    def _stamp() -> str:
        with app.app_context():
            session = Database.new_read_session(app)
            try:
                party = session.get(Party, party_id)
                return board.stamp(session, party) if party else ""
            finally:
                session.close()

    def events() -> Iterator[str]:
        yield f"retry: {int(every * 1000)}\n\n"
        seen, deadline = first, time.monotonic() + seconds
        while True:
            current = _stamp()
            if current != seen:
                yield f"id: {current}\nevent: change\ndata: {current}\n\n"
                seen = current
            if time.monotonic() + every > deadline:
                return
            time.sleep(every)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return Response(events(), mimetype="text/event-stream", headers=headers)


@bp.route("/-/atelier/<code>/bilan")
def report(code: str) -> Any:
    """The printable end report: participants, pages and records created or improved, places, goals."""
    db = get_session()
    party = services.get_party(db, code)
    summary = board.summarise(db, party)
    db.rollback()
    html = render_template(
        "parties/report.html", party=party, summary=summary, code=services.display_code(party.code), **_local(party)
    )
    return _no_store(html)


def _url_of(change: board.Change) -> str:
    if change.kind == "page":
        return url_for("pages.show", slug=change.key, _external=True)
    return url_for("records.show", record_id=int(change.key), _external=True)


@bp.route("/-/atelier/<code>/bilan.csv")
def report_csv(code: str) -> Any:
    """The end report as CSV, for a spreadsheet or a funding application."""
    db = get_session()
    party = services.get_party(db, code)
    text = board.report_csv(board.summarise(db, party), _url_of)
    db.rollback()
    name = f"bilan-atelier-{party.code.lower()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response("\ufeff" + text, mimetype="text/csv", headers=headers)
