"""Freshness on the web: the moderators' list of stale records (CSV, campaign) and the signed link's page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.freshness import services
from wiki.mail.services import mail_enabled
from wiki.records import taxonomy

bp = Blueprint("freshness", __name__)
ARGS = ("mois", "formulaire", "zone", "theme", "tri")


def needs_check(record: Any) -> bool:
    """Jinja global: whether a record shows « à vérifier » (not verified for ``FRESHNESS_MONTHS``)."""
    return services.is_stale(record, int(current_app.config["FRESHNESS_MONTHS"]))


def _moderator() -> None:
    if not permissions.can_moderate(current_user):
        raise Forbidden(_("La liste des fiches à vérifier est réservée aux modérateurs."))


def _filters(values: Any) -> dict[str, Any]:
    raw = str(values.get("mois", ""))
    default = int(current_app.config["FRESHNESS_MONTHS"])
    return {
        "months": min(int(raw), 240) if raw.isdigit() and 0 < len(raw) < 4 else default,
        "form_key": str(values.get("formulaire", ""))[:64],
        "zone": str(values.get("zone", "")).strip()[:40],
        "theme": str(values.get("theme", ""))[:64],
        "sort": values.get("tri") if values.get("tri") in services.SORTS else "verified",
    }


def _link(record: Any) -> str:
    token = services.make_token(current_app.config["SECRET_KEY"], record.id)
    return url_for("freshness.link", token=token, _external=True)


@bp.route("/-/fraicheur")
def stale() -> Any:
    """Records not verified for N months, filtered per form, commune and theme, sortable."""
    _moderator()
    db = get_session()
    chosen = _filters(request.args)
    rows = services.stale_records(db, **chosen, limit=500)
    args = {k: v for k in ARGS if (v := request.args.get(k, "")[:64])}
    return render_template(
        "freshness/stale.html",
        rows=rows,
        chosen=chosen,
        args=args,
        forms=services.form_choices(db),
        themes=taxonomy.list_themes(db),
        mail=mail_enabled(current_app.config),
    )


@bp.route("/-/fraicheur.csv")
def stale_csv() -> Any:
    """The same list as CSV, for a spreadsheet."""
    _moderator()
    rows = services.stale_records(get_session(), **_filters(request.args))
    body = services.to_csv(rows, link=lambda r: url_for("records.show", record_id=r.id, _external=True))
    response = make_response(body)
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = 'attachment; filename="fiches-a-verifier.csv"'
    return response


@bp.route("/-/fraicheur/campagne", methods=["POST"])
def campaign() -> Any:
    """Write to the public contact of each listed record a signed link to confirm or correct it."""
    _moderator()
    db = get_session()
    chosen = _filters(request.form)
    rows = services.stale_records(db, **chosen)
    days = int(current_app.config["FRESHNESS_LINK_DAYS"])
    report = services.send_campaign(db, rows, link=_link, quiet_days=days)
    db.commit()
    flash(ngettext("%(num)d courriel envoyé.", "%(num)d courriels envoyés.", report.sent), "success")
    if report.unreachable:
        flash(ngettext("%(num)d fiche sans adresse publique : à vérifier autrement.",
                       "%(num)d fiches sans adresse publique : à vérifier autrement.", report.unreachable))  # fmt: skip
    if report.recent:
        flash(ngettext("%(num)d fiche déjà sollicitée depuis moins de %(days)d jours : pas de nouveau courriel.",
                       "%(num)d fiches déjà sollicitées depuis moins de %(days)d jours : pas de nouveau courriel.",
                       report.recent, days=days))  # fmt: skip
    back: dict[str, Any] = {k: v for k in ARGS if (v := request.form.get(k, "")[:64])}
    return redirect(url_for("freshness.stale", **back))


@bp.route("/-/fraicheur/lien/<token>", methods=["GET", "POST"])
def link(token: str) -> Any:
    """The signed link's page: the record's public fields, « toujours exact » or a correction, no account."""
    db = get_session()
    try:
        record = services.read_token(db, current_app.config["SECRET_KEY"], token,
                                     max_days=int(current_app.config["FRESHNESS_LINK_DAYS"]))  # fmt: skip
    except NotFound as err:
        response = make_response(render_template("freshness/link_invalid.html", message=err.message), 404)
        response.headers["Cache-Control"] = "no-store"
        return response
    errors: dict[str, str] = {}
    done = ""
    if request.method == "POST":
        if request.form.get("action") == "confirm":
            services.confirm(db, record)
            db.commit()
            done = "confirmed"
        else:
            changes = {k: v for k, v in request.form.items() if k not in ("csrf_token", "action")}
            try:
                result = services.correct(
                    db, record, changes, actor=current_user, policy=current_app.config["EDIT_POLICY"]
                )
            except (ValidationError, EditConflict) as err:
                db.rollback()
                errors = getattr(err, "errors", None) or {"": err.message}
            else:
                db.commit()
                done = "waiting" if result.pending is not None else ("corrected" if result.changed else "unchanged")
    response = make_response(
        render_template(
            "freshness/link.html",
            record=record,
            fields=services.public_fields(record),
            correctable=services.CORRECTABLE,
            token=token,
            done=done,
            errors=errors,
        ),
        400 if errors else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
