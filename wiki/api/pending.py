"""The API's answer to a write that waits for review (pre-moderation): 202 Accepted.

A page edit, a new page, a new record or a change to a record written by an
untrusted account under a pre-moderated policy is stored in the moderation
queue, not published: the API says so honestly with ``202`` and a
``Pending`` body (the queue item, the web page where the author follows it),
never ``200``/``201`` with content that is not there.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import url_for
from flask_babel import gettext as _

from wiki.api import openapi
from wiki.api.conventions import json_response

#: The OpenAPI answer of a write that waits for review.
PENDING = openapi.ok(
    "Pending", "Stored for review (pre-moderation): not published until a moderator accepts it.", status=202
)


def pending_response(item: Any, *, location: str | None = None) -> Response:
    """Answer 202 with the waiting contribution ``item`` (``location``: the resource, when it exists)."""
    response = json_response(
        {
            "state": "waiting",
            "kind": item.kind,
            "item": item.id,
            "url": url_for("moderation.item", item_id=item.id, _external=True),
            "message": _(
                "Contribution en attente de relecture : elle sera publiée après validation par un modérateur."
            ),
        },
        status=202,
    )
    if location:
        response.headers["Location"] = location
    return response
