"""Recent changes: one log of every contribution, fed by domain signals.

Domains never import this package; ``init_app`` connects the subscribers
(STYLE R15) so each change is logged in the same transaction as the change
itself, and serves "Modifications récentes" and its Atom feed, watches
(« Mes suivis », their feeds) and their e-mail digests.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the subscribers and register the views."""
    from wiki.activity import cli
    from wiki.activity import macros
    from wiki.activity import subscribers
    from wiki.activity import views
    from wiki.activity import watch_views
    from wiki.activity import watches

    macros.register()
    subscribers.connect()
    watches.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(watch_views.bp)
    # The RFC 8058 one-click POST comes from a mail provider: its signed token is the proof, no CSRF token.
    app.extensions["csrf"].exempt(watch_views.unsubscribe)
    app.jinja_env.globals["watching"] = watch_views.watching
    app.jinja_env.filters["atomdate"] = views.atom_date
    app.jinja_env.filters["pseudonym"] = views.pseudonym
    app.jinja_env.globals["revision_pseudonyms"] = views.revision_pseudonyms
    cli.init_app(app)
