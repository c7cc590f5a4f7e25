"""Set-wise creation (``wiki.records.bulk``): the rows one-by-one creation writes, refusals per row, every record announced."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from importers.zones import import_zones
from tests.factories import make_user
from tests.geodata.conftest import redon_area_features
from wiki import signals
from wiki.db import Base
from wiki.errors import ValidationError
from wiki.records import bulk
from wiki.records import form_services
from wiki.records import services
from wiki.records.models import Record
from wiki.records.seeding import seed_builtin
from wiki.search.indexer import PENDING

#: Every table a record's creation writes (the search outbox is written at commit from ``PENDING``).
CONCERNED = ("records", "record_facets", "record_revisions", "record_geometries", "record_zones", "activities",
             "import_items")  # fmt: skip
#: Columns whose values depend on when or in which order rows were written, not on what was written.
UNSTABLE = {"created_at", "updated_at", "imported_at", "patrolled_at", "id"}
REDON = {"type": "Point", "coordinates": [-2.0857, 47.6515]}


def next_record_id(db) -> int:
    """The id the next record will get (records are never deleted in these tests)."""
    return (db.scalar(select(func.max(Record.id))) or 0) + 1


def written_since(db, first: int) -> dict[str, Any]:
    """What the records from id ``first`` on have in every concerned table, and the search changes pending.

    Record ids are counted from ``first`` (0, 1…), times and row ids left out, rows sorted: two runs that
    wrote the same things give equal results.
    """

    def number(record_id: Any) -> Any:
        return record_id - first if isinstance(record_id, int) else record_id

    out: dict[str, Any] = {}
    for name in CONCERNED:
        rows = []
        for row in db.execute(select(Base.metadata.tables[name])).mappings():
            row = dict(row)
            record_id = row["id"] if name == "records" else row.get("record_id", row.get("object_id"))
            if record_id is None or record_id < first:
                continue
            if name in ("activities", "record_revisions") and row["kind"] != "record":
                continue
            if name == "activities":
                row["key"] = str(number(int(row["key"])))
            values = {
                k: number(v) if k in ("record_id", "object_id") else v for k, v in row.items() if k not in UNSTABLE
            }
            rows.append(values | ({"id": number(row["id"])} if name == "records" else {}))
        out[name] = sorted(rows, key=repr)
    pending = db.info.get(PENDING, set())
    out["search"] = sorted(
        (kind, str(int(key) - first)) for kind, key in pending if kind == "record" and int(key) >= first
    )
    return out


ROWS = [
    {"title": "Médiathèque de Redon", "adresse": "2 rue des Douves", "localisation": REDON, "commune": "35236"},
    {"title": "Salle des fêtes", "commune": "35013"},  # no point: placed at its commune's centre
    {"title": "", "adresse": "sans nom"},  # refused: the title is required
    {"title": "Tiers-lieu de Rieux", "localisation": REDON, "site_web": "pas une adresse"},  # refused: the address
    {"title": "Le Lieu-dit", "localisation": {"type": "Point", "coordinates": [-2.1, 47.6]}},
]


@pytest.fixture
def moderator(db):
    user = make_user(db, "Modo", role="moderator")
    seed_builtin(db, user)
    db.commit()
    return user


@pytest.fixture
def lieu(db, moderator):
    """The built-in form of places, with five real communes to place them in."""
    import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    db.commit()
    return form_services.get_form(db, "lieu")


def one_by_one(db, form, moderator):
    """What the web does: ``create_record`` per row, in a savepoint of its own."""
    outcomes = []
    for values in ROWS:
        savepoint = db.begin_nested()
        try:
            outcomes.append(services.create_record(db, form, values, actor=moderator, policy="account",
                                                   status="published", comment="Import"))  # fmt: skip
        except ValidationError as error:
            savepoint.rollback()
            outcomes.append(error)
            continue
        savepoint.commit()
    return outcomes


def set_wise(db, form, moderator):
    rows = [bulk.NewRecord(values, status="published", comment="Import") for values in ROWS]
    return bulk.create_records(db, form, rows, actor=moderator, policy="account")


def test_a_batch_writes_what_one_by_one_creation_writes(db, lieu, moderator):
    first = next_record_id(db)
    singles = one_by_one(db, lieu, moderator)
    expected = written_since(db, first)
    db.commit()

    second = next_record_id(db)
    batch = set_wise(db, lieu, moderator)
    got = written_since(db, second)
    for name, rows in expected.items():
        assert got[name] == rows, name
    db.commit()

    assert [type(o) for o in batch] == [type(o) for o in singles] == [Record, Record, ValidationError,
                                                                      ValidationError, Record]  # fmt: skip
    assert [o.errors for o in batch if isinstance(o, ValidationError)] == [
        o.errors for o in singles if isinstance(o, ValidationError)
    ]
    assert [name for name, rows in expected.items() if not rows] == ["import_items"]
    assert len(expected["records"]) == 3 and len(expected["record_geometries"]) == 3  # one placed approximately


def test_a_refused_row_leaves_nothing_and_the_others_are_written(db, lieu, moderator):
    first = next_record_id(db)
    outcomes = set_wise(db, lieu, moderator)
    db.commit()
    titles = db.scalars(select(Record.title).where(Record.id >= first).order_by(Record.id)).all()
    assert titles == ["Médiathèque de Redon", "Salle des fêtes", "Le Lieu-dit"]
    assert "title" in outcomes[2].errors and "site_web" in outcomes[3].errors
    written = written_since(db, first)
    assert {row["object_id"] for row in written["record_revisions"]} == {0, 1, 2}
    assert {row["record_id"] for row in written["record_facets"]} == {0, 1, 2}


def test_subscribers_hear_of_every_record(db, lieu, moderator):
    heard: list[tuple[int, str, int]] = []

    def listen(sender, *, record, revision, action, **_):
        heard.append((record.id, action, revision.number))

    signals.record_saved.connect(listen)
    try:
        outcomes = set_wise(db, lieu, moderator)
    finally:
        signals.record_saved.disconnect(listen)
    assert heard == [(o.id, "create", 1) for o in outcomes if isinstance(o, Record)]


def test_no_right_to_contribute_refuses_the_whole_batch(db, lieu):
    from wiki.auth.services import Anonymous
    from wiki.errors import Forbidden

    with pytest.raises(Forbidden):
        bulk.create_records(db, lieu, [bulk.NewRecord(ROWS[0])], actor=Anonymous(), policy="account")
    assert db.scalar(select(func.count()).select_from(Record)) == 0
