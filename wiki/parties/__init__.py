"""Wiki-party mode: a time-boxed workshop that guests join with a short code or a QR code.

``init_app`` registers the screens (:mod:`wiki.parties.views`), the
``lieudit atelier`` command and a ``before_request`` hook for guests: while
their party is open the account carries ``party_id`` (its contributions are
the party's: origin ``party`` in the moderation queue, the party's rate
limit); once it is over, its logins are closed and the request goes on
logged out.
"""

from __future__ import annotations

from flask import Flask
from flask import flash
from flask import session
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import logout_user

from wiki.caching import AppCache
from wiki.db import get_session
from wiki.db import utcnow

#: Accounts known not to be guests: a guest account is made by joining a party and stays one, so any
#: other account is asked once per worker (keyed with its creation time: an id may come back).
_not_guests = AppCache[bool]("parties.not_guests", maxsize=4096)


def check_guest() -> None:
    """Mark an open party's guest with its party; log out a guest whose party ended."""
    from wiki.parties import services

    if not current_user.is_authenticated:
        return
    account = (current_user.id, current_user.created_at)
    if _not_guests.get(None, account):
        return
    db = get_session()
    party = services.party_of_guest(db, current_user.id)
    if party is None:
        _not_guests.put(None, account, True)
        return
    if utcnow() < party.ends_at:
        setattr(current_user._get_current_object(), "party_id", party.id)  # noqa: B010 - not a mapped column
        return
    services.end_guest(db, current_user._get_current_object())
    db.commit()
    logout_user()
    session.clear()
    flash(_("L’atelier « %(title)s » est terminé : merci pour vos contributions !", title=party.title), "info")


def init_app(app: Flask) -> None:
    """Register the party screens, the command and the guests' check."""
    from wiki.parties import cli
    from wiki.parties import views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.party_cli)
    app.before_request(check_guest)
