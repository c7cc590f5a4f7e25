"""Keeping control of an open wiki: edit policies, the moderation queue, patrol,
mass rollback, the public moderation log and anti-spam.

Domains never import this package's views; they ask its services (policies,
spam checks) and send their usual signals. The one exception is the form
guard (``guard_views.check_form``): the views of public forms call it first
on a save, as it reads the posted form and the client's address. ``init_app``
registers what each module serves.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderation screens and subscribers."""
    from wiki.moderation import antispam_views
    from wiki.moderation import guard_views
    from wiki.moderation import journal_views
    from wiki.moderation import queue_views
    from wiki.moderation import rollback_views
    from wiki.moderation import subscribers

    app.register_blueprint(journal_views.bp)
    app.register_blueprint(rollback_views.bp)
    queue_views.register(app)
    subscribers.connect()
    guard_views.init_app(app)
    app.register_blueprint(antispam_views.bp)
