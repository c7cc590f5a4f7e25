"""What only the Whoosh backend does: indexes of an older schema, and their upgrade."""

from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh.fields import TEXT
from whoosh.formats import Positions

from tests.wiki.search.test_postings import make_doc
from wiki.search import schema
from wiki.search import whoosh_rebuild
from wiki.search.backend import Query
from wiki.search.whoosh_backend import WhooshBackend


def version_1_schema():
    """The schema before version 2: Whoosh's pickled positions in title and body."""
    built = schema.build_schema()
    for name in ("title", "body"):
        field: TEXT = built[name]
        field.format = Positions(field_boost=field.format.field_boost)
    return built


def test_an_index_of_the_previous_schema_still_answers_phrases_until_rebuilt(tmp_path, monkeypatch):
    engine = WhooshBackend(tmp_path / "index")
    with monkeypatch.context() as patch:
        patch.setattr(whoosh_rebuild, "build_schema", version_1_schema)
        engine.rebuild([make_doc(1, "La maison de quartier ouvre."), make_doc(2, "Le quartier et sa maison.")], procs=1)
    info = Path(os.path.realpath(tmp_path / "index"), "lieudit.json")
    info.write_text(json.dumps({"schema_version": 1}))
    assert engine.outdated()
    assert [h.id for h in engine.search(Query(text='"maison de quartier"')).hits] == ["page:1"]
    engine.rebuild([make_doc(1, "La maison de quartier ouvre.")], procs=1)
    assert not engine.outdated()
    assert [h.id for h in engine.search(Query(text='"maison de quartier"')).hits] == ["page:1"]
    engine.close()


def test_a_new_index_is_not_outdated(tmp_path):
    engine = WhooshBackend(tmp_path / "index")
    assert not engine.outdated()  # nothing on disk yet
    engine.index([make_doc(1, "texte")])
    assert not engine.outdated()
    engine.close()
