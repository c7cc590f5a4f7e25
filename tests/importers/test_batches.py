"""Items written set-wise (``Importer.write_many``): a spreadsheet's new rows in batches, the same result as one by one."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import delete
from sqlalchemy import event

from importers import get_importer
from importers.models import ImportItem
from importers.table import TableImporter
from tests.wiki.records.test_bulk import next_record_id
from tests.wiki.records.test_bulk import written_since

MAPPING = {"Identifiant": "@id", "Nom": "title", "Commune": "commune", "Latitude": "localisation.lat",
           "Longitude": "localisation.lon"}  # fmt: skip
CSV = (
    "Identifiant;Nom;Commune;Latitude;Longitude\n"
    "L1;Médiathèque de Redon;35236;47,6515;-2,0857\n"
    "L2;Salle des fêtes;35013;;\n"
    "L3;;35236;;\n"  # no name: refused by the record services, in the middle of a batch
    "L4;Le Lieu-dit;56194;47,60;-2,10\n"
    "L5;Halles;44185;;\n"
    "L6;Gare;35236;47,6519;-2,0861\n"
).encode()


@contextmanager
def inserts_into(db, table):
    """Count the statements that insert into ``table`` (an executemany counts once)."""
    seen = []

    def note(conn, cursor, statement, *args):
        if statement.startswith(f"INSERT INTO {table} "):
            seen.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def run(db, author, *, commit_every=None):
    importer = get_importer("table", mapping=MAPPING)
    result = importer.run(db, CSV, form="lieu", author=author, source="test", commit_every=commit_every)
    db.commit()
    return result


def one_by_one(monkeypatch):
    """Write every row alone, through ``write`` (the path of an update, and of every importer without batches)."""
    monkeypatch.setattr(TableImporter, "batchable", lambda self, item, link: False)


def test_rows_written_set_wise_are_those_written_one_by_one(db, author, zones, monkeypatch):
    with monkeypatch.context() as patch:
        one_by_one(patch)
        first = next_record_id(db)
        with inserts_into(db, "record_revisions") as alone, inserts_into(db, "import_items") as links_alone:
            singles = run(db, author)
        expected = written_since(db, first)
    db.execute(delete(ImportItem))  # the links would make the next run update these records
    db.commit()

    second = next_record_id(db)
    with inserts_into(db, "record_revisions") as together, inserts_into(db, "import_items") as links_together:
        batched = run(db, author)
    got = written_since(db, second)
    assert (len(alone), len(links_alone), len(together), len(links_together)) == (5, 5, 1, 1)  # set-wise indeed

    for name, rows in expected.items():
        if name != "search":  # written to the outbox, and applied, at commit
            assert got[name] == rows, name
    assert len(got["import_items"]) == 5 and len(got["record_geometries"]) == 5
    assert (batched.created, batched.errors) == (singles.created, singles.errors) == (
        5, [("ligne 4", "colonne « Nom » : Ce champ est obligatoire.")])  # fmt: skip


def test_a_second_import_creates_nothing(db, author, zones):
    first = run(db, author)
    again = run(db, author)
    assert (first.created, again.created, again.unchanged) == (5, 0, 5)
    assert again.errors == first.errors == [("ligne 4", "colonne « Nom » : Ce champ est obligatoire.")]


def test_batches_end_at_each_intermediate_commit(db, author, zones, monkeypatch):
    monkeypatch.setattr(TableImporter, "batch_size", 2)
    first = next_record_id(db)
    result = run(db, author, commit_every=3)
    assert [(o.ref, o.status) for o in result.items] == [(f"ligne {n}", "refused" if n == 4 else "created")
                                                         for n in range(2, 8)]  # in the file's order  # fmt: skip
    written = written_since(db, first)
    assert len(written["records"]) == len(written["import_items"]) == len(written["record_revisions"]) == 5


def test_links_are_read_a_chunk_at_a_time_and_a_repeat_across_chunks_is_refused(db, author, zones, monkeypatch):
    monkeypatch.setattr(TableImporter, "batch_size", 2)
    first = run(db, author)
    repeated = CSV + b"L1;Autre nom;35236;;\n"  # line 8: the identifier of line 2, three chunks later
    selects = []

    def note(conn, cursor, statement, *args):
        if statement.startswith("SELECT") and "FROM import_items" in statement:
            selects.append(statement)

    event.listen(db.get_bind(), "before_cursor_execute", note)
    try:
        again = get_importer("table", mapping=MAPPING).run(db, repeated, form="lieu", author=author, source="test")
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", note)
    db.commit()
    assert (first.created, again.created, again.unchanged) == (5, 0, 5)
    assert len(selects) == 4 and all(" IN " in s for s in selects)  # 7 rows by 2: never all the links at once
    assert again.errors[-1] == ("ligne 8", "même identifiant que la ligne 2 : ligne ignorée.")


def test_a_file_imported_from_its_path_is_imported_as_its_bytes(db, author, zones, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_bytes(CSV)
    first = next_record_id(db)
    from_bytes = run(db, author)
    expected = written_since(db, first)
    db.execute(delete(ImportItem))
    db.commit()
    second = next_record_id(db)
    importer = get_importer("table", mapping=MAPPING)
    assert importer.reads_path  # the command line gives it the path
    from_path = importer.run(db, path, form="lieu", author=author, source="test")
    db.commit()
    got = written_since(db, second)
    assert [(o.ref, o.status) for o in from_path.items] == [(o.ref, o.status) for o in from_bytes.items]
    assert from_path.errors == from_bytes.errors
    for name in ("records", "record_revisions", "record_geometries"):
        assert len(got[name]) == len(expected[name]) == 5, name
