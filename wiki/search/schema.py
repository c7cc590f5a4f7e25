"""The single Whoosh schema (STYLE R13): every indexed field and why it exists.

Changing a field here means ``lieudit search rebuild``: Whoosh stores the
schema inside the index, and :data:`SCHEMA_VERSION` is written next to it
so the application can tell an index built by an older schema.

No ``title_ngram`` field: partial words (« covoit » → « covoiturage ») are
found by a prefix query on the last word instead (:mod:`wiki.search.syntax`).
Edge n-grams would only cover titles, multiply the title terms by about ten,
and behave differently from PostgreSQL, whose ``to_tsquery('covoit:*')`` is
exactly a prefix match on stems; a prefix query covers titles *and* bodies
and keeps both backends in agreement.
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import DATETIME
from whoosh.fields import ID
from whoosh.fields import KEYWORD
from whoosh.fields import STORED
from whoosh.fields import TEXT
from whoosh.fields import Schema

from wiki.search.analysis import french_analyzer
from wiki.search.postings import PackedPositions

#: Bump when a field changes; an index with another version must be rebuilt.
#: 2: positions of title and body words packed as 32-bit integers (PackedPositions).
SCHEMA_VERSION = 2
#: Characters of the body kept in the index for snippets (highlighting needs the text).
SNIPPET_SOURCE_CHARS = 3_000
#: How much more a word in the title weighs than one in the body.
TITLE_BOOST = 3.0


def _text(**options: Any) -> TEXT:
    """A French text field whose word positions are packed (phrases read them as arrays)."""
    field = TEXT(**options)
    field.format = PackedPositions(field_boost=options.get("field_boost", 1.0))
    return field


def build_schema() -> Schema:
    """Return the schema of the search index."""
    analyzer = french_analyzer()
    return Schema(
        # "page:42", "record:7", "zone:35236": the key of update_document and delete.
        id=ID(unique=True, stored=True),
        # "page" or "record": facet, filter, and how the result is shown.
        kind=ID(stored=True, sortable=True),
        # Form key of a record ("" for pages): facet « Type de fiche ».
        form=ID(stored=True, sortable=True),
        # French-analysed title, weighted above the body; spelling=True keeps the
        # unstemmed words in a side field for « Vouliez-vous dire … ? ».
        title=_text(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST, spelling=True),
        # Full public text, French-analysed; not stored (the database has it).
        body=_text(analyzer=analyzer, stored=False),
        # The start of the body, stored only: snippets are cut from it.
        text=STORED(),
        # A plain-text excerpt shown under the title when no snippet matched.
        excerpt=STORED(),
        # Path of the object on the site.
        url=STORED(),
        # Theme keys, comma-separated: facet and filter.
        themes=KEYWORD(commas=True, stored=True, lowercase=False, scorable=False),
        # Zone codes (INSEE commune, EPCI…), comma-separated: facet and filter.
        zones=KEYWORD(commas=True, stored=True, lowercase=False, scorable=False),
        # Record status (published, archived; "" for pages): facet and filter.
        status=ID(stored=True, sortable=True),
        # Last change, UTC: the « plus récents » order.
        updated_at=DATETIME(stored=True, sortable=True),
        # Fingerprint of the document: `check` and `update` find stale entries with it.
        digest=STORED(),
    )
