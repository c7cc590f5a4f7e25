"""The words search shows in the interface language: shared by the search page and the search API.

The engine (:mod:`wiki.search.syntax`, :mod:`wiki.search.backend`) and the
services hold no Flask and return French text; this module gives its
translations for the request's language. ``NOTICES`` writes the engine's
notices out for the message extractor (a test checks they match).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wiki.search.adapters import ADAPTERS

#: The engine's notices (:mod:`wiki.search.syntax`, :mod:`wiki.search.backend`: no
#: Flask there) written out for the extractor; a test checks they match.
NOTICES = (
    _l("Votre recherche contenait des caractères spéciaux ou des guillemets non fermés : elle a été simplifiée."),
    _l("Tapez un ou plusieurs mots à chercher."),
    _l("Ces mots sont trop courants pour être cherchés seuls : ajoutez un mot plus précis."),
    _l("Ajoutez au moins un mot à chercher : les mots précédés d'un tiret sont seulement exclus."),
    _l("La recherche est momentanément indisponible : réessayez dans un instant."),
)


def fixed_labels() -> dict[str, dict[str, str]]:
    """Translated names of the kinds and of the public statuses (the facets not read from the database)."""
    return {
        "kind": {kind: str(adapter.label) for kind, adapter in ADAPTERS.items()},
        "status": {"published": _("publiée"), "archived": _("archivée")},
    }


def notice(message: str | None) -> str | None:
    """The engine's notice ``message`` in the request's language, or None."""
    return _(message) if message else None
