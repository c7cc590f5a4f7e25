"""The JSON API under ``/api/v1``: every route of it, one module per resource.

- ``blueprint``: the ``api`` blueprint all routes are declared on, and its hooks;
- ``access``: bearer-token authentication and CORS (those hooks);
- ``conventions``: JSON answers, ETags, ``If-Match`` preconditions, JSON bodies;
- ``openapi`` and ``schemas``: the OpenAPI 3.1 document at ``/api/v1/openapi.json``,
  assembled from the routes' own descriptions, and the JSON shapes it names;
- the resources: ``pages``, ``forms``, ``records``, ``events``, ``search``, ``zones``.

Names and shapes follow ``CONTRACT.md``. Errors are JSON
``{"error": ..., "message": ...}`` (see ``wiki.errors``). The views call the
same services as the web pages, which apply the permissions and edit policies.
Imports: the services and pure modules of the domains served (and the search
projection), the kernel, never a domain's models or views; only
``create_app`` imports this package.

Who calls: a request carrying ``Authorization: Bearer TOKEN`` acts as the
token's owner (``access.py``). Writes (PUT, POST, DELETE) need a token: they
never use the browser session cookie, so they need no CSRF token and a
malicious page cannot make a logged-in visitor's browser write through the
API. Reads are open to anyone, with CORS open to every origin (no
credentials); without a token they use the session, if any.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprint with every resource's routes; answer unrouted ``/api/v1`` requests alike."""
    from wiki import errors
    from wiki.api import access
    from wiki.api import blueprint
    from wiki.api import events
    from wiki.api import forms
    from wiki.api import openapi
    from wiki.api import pages
    from wiki.api import records
    from wiki.api import search
    from wiki.api import zones

    # Importing a resource module declares its routes on the blueprint: all of them, before it is registered.
    resources = (openapi, pages, forms, records, events, search, zones)
    assert all(module.bp is blueprint.bp for module in resources)
    app.register_blueprint(blueprint.bp)
    # Token-authenticated writes carry no cookie credentials: no CSRF risk.
    # Writes without a token are refused by ``access.authenticate``.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(blueprint.bp)
    errors.handle_unrouted(app, blueprint.PREFIX, before=access.authenticate, after=access.add_cors_headers)
