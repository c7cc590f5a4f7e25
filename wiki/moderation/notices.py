"""Tell an author what became of their contribution: by e-mail when the wiki sends mail.

The decision and its reason are always shown on the author's pages
(``/-/mes-contributions``, linked from the account page); this module adds
the e-mail, queued in the decision's transaction and sent after commit
(:func:`wiki.mail.services.enqueue`). Only accounts with an address get
one; anonymous authors read the decision from the browser session that
wrote it. Service layer: no request globals.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from wiki.auth.models import User
from wiki.mail import services as mail


def message(item: Any) -> tuple[str, str]:
    """Return the French subject and body telling the author of ``item`` the decision."""
    with force_locale("fr"):
        what = _("Votre nouvelle page") if item.kind == "page" and item.is_new else _("Votre contribution")
        if item.state == "accepted":
            subject = _("Contribution acceptée")
            verdict = _("%(what)s « %(title)s » a été acceptée et publiée.", what=what, title=item.title)
        else:
            subject = _("Contribution refusée")
            verdict = _("%(what)s « %(title)s » a été refusée.", what=what, title=item.title)
        lines = [_("Bonjour,"), "", verdict]
        if item.reason:
            lines += ["", _("Raison donnée par l’équipe de modération : %(reason)s", reason=item.reason)]
        lines += ["", _("Vos contributions : %(url)s", url=url_for("moderation.mine", _external=True))]
    return subject, "\n".join(lines)


def tell_author(db: Session, item: Any) -> bool:
    """Queue an e-mail to the author of a decided ``item``; return whether one was queued."""
    user = db.get(User, item.author_id) if item.author_id else None
    if user is None or not user.email or not user.is_active:
        return False
    subject, body = message(item)
    return mail.enqueue(db, to=user.email, subject=subject, body=body)
