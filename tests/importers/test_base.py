"""The import job (``Importer.run``): dry runs write nothing, re-runs update, every item is reported."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Refused
from importers.base import Written
from importers.models import ImportItem
from wiki.errors import NotFound
from wiki.records import form_services
from wiki.records import services
from wiki.records.models import Record


class LinesImporter(Importer):
    """A minimal importer: ``remote id;name`` lines become records of the Structure form."""

    name = "lines"
    label = "Lignes"

    def __init__(self, *, finished: list[str] | None = None) -> None:
        self.finished = finished if finished is not None else []

    def prepare(self, db, form):
        try:
            return form_services.get_form(db, form or "structure")
        except NotFound:
            raise Refused(f"formulaire inconnu : {form}.") from None

    def parse(self, data):
        text = data.decode() if isinstance(data, bytes) else data
        if not text.startswith("#lignes"):
            raise Refused("ce fichier n'est pas une liste de lignes.", warnings=["en-tête absent"])
        lines = text.splitlines()[1:]
        return Batch([line for line in lines if ";" in line], errors=[(f"ligne {n}", "point-virgule attendu.")
                                                                      for n, line in enumerate(lines, 1) if ";" not in line])  # fmt: skip

    def to_items(self, job, batch):
        for line in batch.things:
            remote_id, _, title = line.partition(";")
            item = Item(f"« {remote_id} »", {"title": title}, remote_id=remote_id or None)
            if title.startswith("!"):
                item.refused = "titre réservé."
            if title.endswith(" "):
                item.warnings.append("espace finale.")
            yield item

    def write(self, job, item, link):
        try:
            record = services.get_record(job.db, link.record_id, job.author) if link else None
        except NotFound:
            record = None  # deleted since
        if record is None:
            created = services.create_record(job.db, job.target, item.values, actor=job.author, policy="account")
            return Written("created", created.id)
        changed = services.update_record(job.db, record, item.values, actor=job.author, policy="account",
                                         base_revision=None).changed  # fmt: skip
        return Written("updated" if changed else "unchanged", record.id)

    def finish(self, job):
        self.finished.append(job.source)


def records(db):
    return db.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None)))


def links(db):
    return db.scalar(select(func.count()).select_from(ImportItem))


def run(db, author, data, *, source="annuaire.txt", dry_run=False, importer=None):
    result = (importer or LinesImporter()).run(db, data, author=author, dry_run=dry_run, source=source)
    db.commit()
    return result


def test_a_dry_run_reports_everything_and_writes_nothing_even_when_committed(db, author):
    before = records(db)
    result = run(db, author, "#lignes\na1;Jardin partagé\na2;Ressourcerie\n", dry_run=True)
    assert (result.created, result.errors, result.dry_run) == (2, [], True) and "seraient" in result.summary()
    assert records(db) == before and links(db) == 0


def test_a_second_run_updates_instead_of_duplicating(db, author):
    first = run(db, author, "#lignes\na1;Jardin partagé\na2;Ressourcerie\n")
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0) and links(db) == 2
    count = records(db)
    again = run(db, author, "#lignes\na1;Jardin partagé\na2;La Ressourcerie\n")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1) and records(db) == count
    elsewhere = run(db, author, "#lignes\na1;Jardin partagé\n", source="autre-annuaire.txt")
    assert elsewhere.created == 1 and links(db) == 3  # links are kept per (importer, source, remote id)


def test_an_item_whose_record_was_deleted_is_created_again_and_relinked(db, author):
    run(db, author, "#lignes\na1;Jardin partagé\n")
    record = db.scalar(select(Record).where(Record.title == "Jardin partagé"))
    services.delete_record(db, record, actor=author)
    db.commit()
    again = run(db, author, "#lignes\na1;Jardin partagé\n")
    link = db.scalar(select(ImportItem))
    assert again.created == 1 and link.record_id != record.id and links(db) == 1


def test_every_item_is_reported_with_a_french_message_when_refused(db, author):
    result = run(db, author, "#lignes\nsans separateur\na1;Jardin \na2;!interdit\na3;\n;Sans identifiant\n")
    assert [(i.ref, i.status) for i in result.items] == [
        ("ligne 1", "refused"), ("« a1 »", "created"), ("« a2 »", "refused"), ("« a3 »", "refused"),
        ("«  »", "created")]  # fmt: skip
    assert result.errors[0] == ("ligne 1", "point-virgule attendu.") and result.errors[1].message == "titre réservé."
    assert result.errors[2].ref == "« a3 »" and result.errors[2].message.startswith("title : ")
    assert result.warnings == ["« a1 » : espace finale."]
    assert (
        result.items[1].describe() == "« a1 » : créé"
        and result.items[2].describe() == "« a2 » : refusé — titre réservé."
    )
    assert (result.created, len(result.errors)) == (2, 3) and links(db) == 1  # no remote id, no link
    assert records(db) == 2  # the refused items left nothing behind


def test_a_source_refused_whole_writes_nothing_and_says_why(db, author):
    finished = []
    result = run(db, author, "rien", importer=LinesImporter(finished=finished))
    assert result.error == "ce fichier n'est pas une liste de lignes." and result.warnings == ["en-tête absent"]
    assert result.summary() == "Import refusé : ce fichier n'est pas une liste de lignes." and not result.ok
    clean = run(db, author, "#lignes\na1;X\n", importer=LinesImporter(finished=finished))
    assert clean.ok and finished == ["annuaire.txt"]  # finish() runs after a read source only
    wrong = LinesImporter().run(db, "#lignes\na1;X\n", form="nope", author=author)
    assert wrong.error == "formulaire inconnu : nope." and wrong.items == []


def test_an_unexpected_failure_rolls_the_job_back_and_propagates(db, author):
    class Broken(LinesImporter):
        def finish(self, job):
            raise RuntimeError("panne")

    with pytest.raises(RuntimeError):
        Broken().run(db, "#lignes\na1;X\n", author=author)
    db.commit()
    assert records(db) == 0 and links(db) == 0


class CrashingImporter(LinesImporter):
    """Lines, but the program dies (an unexpected error) on the item titled « crash »."""

    name = "lines"

    def write(self, job, item, link):
        if item.values["title"] == "crash" and not getattr(self, "mended", False):
            raise RuntimeError("arrêt brutal")
        return super().write(job, item, link)


def test_a_long_import_commits_whole_items_as_it_goes_and_a_rerun_completes_it(db, author):
    data = "#lignes\n" + "".join(f"r{n};Ligne {n}\n" for n in range(1, 6)) + "r6;crash\nr7;Ligne 7\n"
    importer = CrashingImporter()
    with pytest.raises(RuntimeError):
        importer.run(db, data, author=author, source="lignes.txt", commit_every=2)
    db.rollback()
    assert records(db) == links(db) == 4  # two commits of two items before the crash, each record with its link
    importer.mended = True
    again = importer.run(db, data, author=author, source="lignes.txt", commit_every=2)
    db.commit()
    assert (again.created, again.unchanged, records(db), links(db)) == (3, 4, 7, 7)
    dry = importer.run(db, data + "r8;Ligne 8\n", author=author, source="lignes.txt", dry_run=True, commit_every=1)
    db.rollback()
    assert dry.created == 1 and records(db) == 7  # a dry run never commits, whatever commit_every says
