"""``lieudit import yeswiki DUMP.sql`` or ``lieudit import yeswiki https://…/?api/pages``: a YesWiki moves in.

The source (a MySQL dump, gzipped or not, or answers of the site's JSON API)
is read by :func:`importers.yeswiki_source.site_from_bytes`; then, in this
order so that each finds what it points to: Bazar lists become shared choice
lists (:mod:`importers.yeswiki_bazar`), Bazar forms become forms (rebuilt
from their entries when the dump lacks them), entries become records
(:mod:`importers.yeswiki_entries`, author and creation date as provenance,
links to other entries resolved), pages become pages with **every version**
of the dump, dated and signed (``import_history``), converted to Markdown by
:mod:`importers.yeswiki_syntax`; a page that only redirected becomes a redirect.

Idempotency: one scope for every YesWiki import (a dump and the same site's
API meet), remote ids ``list:<name>``, ``form:<id>``, ``entry:<id_fiche>``,
``page:<tag>``. Records and pages are linked in ``import_items``; lists and
forms are found again by key: a form carries « formulaire Bazar n° N » in
its description, a list its YesWiki title; another form or list of that key
is left alone (the new one takes ``key_2``). Accounts are not imported (their
names stay on the versions); comments and attached files are counted in the
summary, not imported; the latest version of an entry is imported, not its
older ones (a record's history begins at its import).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import partial
from typing import Any
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import sniff
from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.models import ImportItem
from importers.yeswiki_actions import FormRef
from importers.yeswiki_bazar import FormPlan
from importers.yeswiki_bazar import choices_of
from importers.yeswiki_bazar import fold_key
from importers.yeswiki_bazar import plan_form
from importers.yeswiki_bazar import rebuild_form
from importers.yeswiki_entries import EntryData
from importers.yeswiki_entries import entry_data
from importers.yeswiki_entries import fit
from importers.yeswiki_entries import missing_required
from importers.yeswiki_entries import observe
from importers.yeswiki_pages import State
from importers.yeswiki_pages import is_new_page
from importers.yeswiki_pages import linked_page
from importers.yeswiki_pages import nothing
from importers.yeswiki_pages import page_item
from importers.yeswiki_pages import redirect
from importers.yeswiki_pages import summary
from importers.yeswiki_pages import write_new_pages
from importers.yeswiki_source import Entry
from importers.yeswiki_source import Page
from importers.yeswiki_source import Site
from importers.yeswiki_source import SourceError
from importers.yeswiki_source import entry_values
from importers.yeswiki_source import site_from_bytes
from wiki.errors import NotFound
from wiki.pages import services as pages
from wiki.records import access
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy

COMMENT = "Import YesWiki"
SCOPE = "yeswiki"
_REDIRECT = re.compile(r"\s*\{\{\s*redirect\s+page=\"([^\"]+)\"\s*\}\}\s*", re.I)


def form_marker(bazar_id: str) -> str:
    """What a form's description says of the Bazar form it comes from (how a re-import finds it)."""
    return f"(formulaire Bazar n° {bazar_id})"


@dataclass
class SiteBatch(Batch):
    """What ``parse`` read: the things to write, in order, the site, and its forms' plans by Bazar id."""

    site: Site = field(default_factory=lambda: Site(""))
    plans: dict[str, FormPlan] = field(default_factory=dict)


class YeswikiImporter(Importer):
    """A YesWiki's lists, Bazar forms and entries, and pages with their history."""

    name = "yeswiki"
    label = "YesWiki (dump SQL ou API JSON)"
    options: ClassVar[frozenset[str]] = frozenset()
    #: New pages written together (:meth:`write_many`).
    batch_size: ClassVar[int] = pages.BATCH_PAGES

    def accepts(self, kind: sniff.Kind) -> bool:
        """A YesWiki arrives as an SQL dump, gzipped or not (or as its API's JSON, which no sniffing is sure of)."""
        return kind in (sniff.SQL, sniff.GZIP)

    def prepare(self, db: Session, form: str | None) -> State:
        """Nothing to check: the forms come with the source.

        :raises Refused: a form was named.
        """
        if form:
            raise Refused("Un YesWiki apporte ses propres formulaires (Bazar) : --form ne s'applique pas.")
        return State()

    def scope(self, job: Job) -> str:
        """One scope for every YesWiki import: a dump and the same site's API update the same pages."""
        return SCOPE

    def parse(self, data: bytes) -> SiteBatch:
        """Read the source and plan its forms (pure).

        :raises Refused: not a YesWiki source, cut or unreadable, or holding nothing to import.
        """
        try:
            site = site_from_bytes(bytes(data))
        except SourceError as error:
            raise Refused(error.message) from None
        if site.empty:
            raise Refused(nothing(site))
        batch = SiteBatch([], warnings=list(site.warnings), site=site)
        values = {ident: entry_values(entry.versions[-1].body) or {} for ident, entry in site.entries.items()}
        batch.plans = {ident: plan_form(form, site.lists) for ident, form in site.forms.items()}
        for ident in sorted({e.form_id for e in site.entries.values()} - set(batch.plans)):
            mine = [values[e.id] for e in site.entries.values() if e.form_id == ident]
            batch.plans[ident] = rebuild_form(ident, mine, site.lists)
            batch.warnings.append(f"Formulaire Bazar n° {ident} absent de la source : reconstitué d'après ses "
                                  f"{len(mine)} fiche(s), ses champs en texte.")  # fmt: skip
        for ident, plan in batch.plans.items():
            observe(plan, (values[e.id] for e in site.entries.values() if e.form_id == ident))
            batch.warnings += [f"Formulaire « {plan.title} » : {warning}." for warning in plan.warnings]
        batch.things = [*(("list", n) for n in site.lists), *(("form", i) for i in _linked_first(batch.plans)),
                        *(("entry", e) for e in _entries_in_order(site, batch.plans)),
                        *(("page", t) for t in site.pages)]  # fmt: skip
        return batch

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """Lists, then forms, then entries, then pages (each converted when its turn comes), then redirects."""
        assert isinstance(batch, SiteBatch)
        state: State = job.target
        site, plans = batch.site, batch.plans
        self._choose_keys(job.db, state, batch)
        redirects: list[tuple[str, str]] = []
        for kind, name in batch.things:
            if kind == "list":
                source = site.lists[name]
                yield Item(f"Liste {name}", {"title": source.title}, remote_id=f"list:{name}", parsed=source)
            elif kind == "form":
                yield Item(f"Formulaire {plans[name].title}", remote_id=f"form:{name}", parsed=plans[name])
            elif kind == "entry":
                entry: Entry = site.entries[name]
                yield Item(f"Fiche {name}", remote_id=f"entry:{name}", parsed=(entry, plans[entry.form_id]))
            else:
                page: Page = site.pages[name]
                lone = _REDIRECT.fullmatch(page.versions[-1].body)
                if lone:
                    redirects.append((name, lone.group(1)))
                    continue
                yield page_item(state, site, page)
        for tag, target in redirects:
            yield Item(f"Redirection {tag}", {"title": tag, "target": target})

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Save one list, form, entry, page or redirect through the services."""
        if "target" in item.values:
            return redirect(job.db, item.values["title"], item.values["target"])
        if isinstance(item.parsed, FormPlan):
            return self._write_form(job, item.parsed)
        if isinstance(item.parsed, tuple):
            return self._write_entry(job, item, link)
        if "revisions" in item.values:
            existing = linked_page(job.db, link, item.values["title"]) if link is not None else None
            imported = pages.import_history(job.db, title=item.values["title"], revisions=item.values["revisions"],
                                            actor=job.author, page=existing)  # fmt: skip
            status = "created" if existing is None else "updated" if imported.added else "unchanged"
            return Written(status, page_id=imported.page.id)
        return self._write_list(job, item)

    def batchable(self, item: Item, link: Link | None) -> bool:
        """A page never imported before: written with others by :meth:`write_many`."""
        return is_new_page(item, link)

    def write_many(self, job: Job, items: list[Item]) -> list[Written | Refused]:
        """Create the new pages of ``items`` set-wise."""
        return write_new_pages(job.db, items, job.author)

    def finish(self, job: Job) -> None:
        """Resolve links to entries written after their referrer; say once what was not carried over."""
        state: State = job.target
        for record_id, links in state.pending:
            record = records.get_record(job.db, record_id, job.author)
            values = {
                key: {"record_id": state.records[ids[0]]} for key, ids in links.items() if ids[0] in state.records
            }
            if values:
                records.update_record(job.db, record, {**access.public_values(record, job.author), **values},
                                      actor=job.author, policy="account", base_revision=None, ctx=state.ctx,
                                      comment=COMMENT)  # fmt: skip
        job.result.warnings += summary(state)

    # --- keys, forms and lists ---------------------------------------------------------------------

    def _choose_keys(self, db: Session, state: State, batch: SiteBatch) -> None:
        """Keys for the lists and forms (the ones an earlier import made, else free ones: ``key_2``…), and the
        records earlier imports made of entries (links to them resolve at once)."""
        existing_lists = {cl.key: cl.title for cl in taxonomy.list_choice_lists(db)}
        for name, source in batch.site.lists.items():
            mapped = choices_of(source.items)
            state.list_values[name] = {key: value for key, (value, _label) in mapped.items()}
            base = fold_key(name)
            title = source.title[:200].strip()
            state.list_keys[name] = _free(base, partial(_list_is_free, existing_lists, title))
        for ident, plan in batch.plans.items():
            base = fold_key(plan.title)
            base = base if base not in form_services.RESERVED_FORM_KEYS else f"{base}_yeswiki"
            state.form_keys[ident] = _free(base, partial(_form_is_free, db, bazar_id=ident))
        state.users, state.comments = batch.site.users, batch.site.comments
        earlier = select(ImportItem.remote_id, ImportItem.record_id).where(
            ImportItem.importer == self.name, ImportItem.source == SCOPE, ImportItem.remote_id.startswith("entry:")
        )
        state.records = {remote[6:]: record for remote, record in db.execute(earlier) if record is not None}

    def _write_list(self, job: Job, item: Item) -> Written:
        state: State = job.target
        source, name = item.parsed, item.remote_id.partition(":")[2] if item.remote_id else ""
        key = state.list_keys[name]
        items = [{"value": value, "label": label} for value, label in choices_of(source.items).values()]
        before = {cl.key: (cl.title, cl.items) for cl in taxonomy.list_choice_lists(job.db)}.get(key)
        saved = taxonomy.save_choice_list(job.db, key=key, title=source.title[:200] or name, items=items,
                                          actor=job.author, comment=COMMENT)  # fmt: skip
        state.ctx = None
        return Written(
            "created" if before is None else "unchanged" if before == (saved.title, saved.items) else "updated"
        )

    def _write_form(self, job: Job, plan: FormPlan) -> Written:
        state: State = job.target
        key = state.form_keys[plan.bazar_id]
        fields = plan.fields(state.list_keys, state.form_keys)
        description = f"{plan.description.strip()}\n\nImporté de YesWiki {form_marker(plan.bazar_id)}.".strip()
        try:
            form = form_services.get_form(job.db, key)
        except NotFound:
            form = None
        if form is None:
            form = form_services.create_form(job.db, key=key, title=plan.title, fields=fields, actor=job.author,
                                             description=description, comment=COMMENT)  # fmt: skip
            status = "created"
        else:
            changed = form_services.update_form(job.db, form, title=plan.title, fields=fields, actor=job.author,
                                                description=description, title_field="title", comment=COMMENT)  # fmt: skip
            status = "updated" if changed else "unchanged"
        state.forms[plan.bazar_id] = form
        state.form_refs[plan.bazar_id] = FormRef(key, plan.dated, plan.located)
        return Written(status)

    # --- entries -------------------------------------------------------------------------------------

    def _write_entry(self, job: Job, item: Item, link: Link | None) -> Written:
        db, state = job.db, job.target
        entry, plan = item.parsed
        form = state.forms.get(plan.bazar_id)
        if form is None:
            raise Refused(f"Son formulaire (Bazar n° {plan.bazar_id}) n'a pas été importé.")
        state.ctx = state.ctx or taxonomy.cleaning_context(db)
        defs = form_services.form_fields(form)
        data = entry_data(plan, entry_values(entry.versions[-1].body) or {}, state.list_values)
        fit(defs, data, state.ctx)
        waiting = self._entry_links(state, data)
        status = data.status
        if missing := missing_required(defs, data):
            status = "draft"
            data.warnings.append(f"champ(s) obligatoire(s) vide(s) ({', '.join(missing)}) : importée en brouillon")
        state.attachments += sum(
            1 for slot in plan.slots if slot.type in ("image", "file") and slot.label in data.extra
        )
        state.old_versions += len(entry.versions) - 1
        job.result.warnings += [f"{item.ref} : {warning}" for warning in data.warnings]
        record, written = _save_entry(job, entry, form, data, status, link)
        state.records[entry.id] = record.id
        if waiting:
            state.pending.append((record.id, waiting))
        return Written(written, record.id)

    def _entry_links(self, state: State, data: EntryData) -> dict[str, list[str]]:
        """Put the links to entries already written in the values; return the others, for later."""
        waiting = {}
        for key, ids in data.links.items():
            if not ids:
                continue
            if len(ids) > 1:
                data.extra[key] = ",".join(ids)
                data.warnings.append(
                    f"« {key} » lie {len(ids)} fiches : la première est reprise, toutes gardées à part"
                )
            if ids[0] in state.records:
                data.values[key] = {"record_id": state.records[ids[0]]}
            else:
                waiting[key] = ids
        return waiting


def _save_entry(job: Job, entry: Entry, form: Any, data: EntryData, status: str,
                link: Link | None) -> tuple[Any, str]:  # fmt: skip
    """Create the entry's record, or update the one an earlier import made; return it and what was done."""
    db, state = job.db, job.target
    first = entry.versions[0]
    if link is not None and link.record_id is not None:
        try:
            record = records.get_record(db, link.record_id, job.author)
        except NotFound:
            raise Refused("Fiche supprimée ici depuis l'import précédent : elle n'est pas recréée.") from None
        changed = records.update_record(db, record, data.values, actor=job.author, policy="account",
                                        base_revision=None, ctx=state.ctx, comment=COMMENT,
                                        extra=data.extra).changed  # fmt: skip
        return record, "updated" if changed else "unchanged"
    provenance = records.Provenance(author_name=data.author or first.user, created_at=data.created or first.time)
    record = records.create_record(db, form, data.values, actor=job.author, policy="account", ctx=state.ctx,
                                   status=status, comment=COMMENT, provenance=provenance,
                                   extra=data.extra or None)  # fmt: skip
    return record, "created"


def _free(base: str, usable: Callable[[str], bool]) -> str:
    """``base``, or ``base_2``, ``base_3``… : the first key ``usable`` accepts."""
    key, n = base, 2
    while not usable(key):
        key, n = f"{base[:60]}_{n}", n + 1
    return key


def _list_is_free(existing: Mapping[str, str], title: str, key: str) -> bool:
    """A key no list has, or the one an earlier import of this list made (same title)."""
    return existing.get(key, title) == title


def _form_is_free(db: Session, key: str, bazar_id: str) -> bool:
    """A key no live form has, or the one an earlier import of this Bazar form made (built-in forms never)."""
    try:
        form = form_services.get_form(db, key)
    except NotFound:
        return True
    return not form.builtin and form_marker(bazar_id) in (form.description or "")


def _linked_first(plans: dict[str, FormPlan]) -> list[str]:
    """Bazar form ids, forms that others link to first (so that links find their records)."""
    targets = {slot.link_form for plan in plans.values() for slot in plan.slots if slot.type == "link"}
    return sorted(plans, key=lambda ident: (ident not in targets, ident))


def _entries_in_order(site: Site, plans: dict[str, FormPlan]) -> list[str]:
    """Entry ids, those of linked-to forms first, each form's in the source's order."""
    rank = {ident: i for i, ident in enumerate(_linked_first(plans))}
    return sorted(site.entries, key=lambda ident: rank.get(site.entries[ident].form_id, len(rank)))
