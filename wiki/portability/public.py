"""What a public dump keeps: the instance as an anonymous visitor sees it.

``lieudit dump --public`` passes every table through ``PublicFilter``: an
allowlist, so a table nobody has described here (added later by another
package) is left out rather than risk publishing it. Kept: live pages with
their history and files; forms, lists and themes; published and archived
records with only the values they show to anyone (a personal value while its
consent box is ticked, :mod:`wiki.records.disclosure`), and in their history
only values every record shows to anyone (consent opens current values only);
public recent changes; and, for the authors named in that history, their
display name only (no e-mail, no password hash, no login: the accounts of a
loaded public dump cannot log in). Never kept: tokens, deleted pages,
drafts, records awaiting review, private, members-only and personal values,
imported properties that map to no field (``records.extra``), nor the import log.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy import select

from wiki.records import display
from wiki.records import fields as F
from wiki.records import schema
from wiki.records.disclosure import Disclosure
from wiki.records.disclosure import shows_always

PUBLIC_STATUSES = ("published", "archived")


@dataclass
class PublicFilter:
    """The ids and fields a public dump keeps, computed once from the database."""

    pages: set[int] = field(default_factory=set)
    revisions: set[int] = field(default_factory=set)
    records: set[int] = field(default_factory=set)
    attachments: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)
    #: Per form id, the ids of the fields every record shows to anyone, and who reads what.
    public_fields: dict[int, set[str]] = field(default_factory=dict)
    form_rules: dict[int, Disclosure] = field(default_factory=dict)
    record_forms: dict[int, int] = field(default_factory=dict)
    stored_files: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, conn: Any, metadata: MetaData) -> PublicFilter:
        """Read what is public in the database behind ``conn``."""
        t = metadata.tables
        kept = cls()
        for form_id, fields in conn.execute(
            select(t["forms"].c.id, t["forms"].c.fields).where(t["forms"].c.deleted_at.is_(None))
        ):
            kept.form_rules[form_id] = Disclosure(_field_defs(fields))
            kept.public_fields[form_id] = {d.id for d in kept.form_rules[form_id].fields if shows_always(d)}
        pages, revisions, records = t["pages"], t["page_revisions"], t["records"]
        kept.pages = set(conn.scalars(select(pages.c.id).where(pages.c.deleted_at.is_(None))))
        for revision_id, page_id, author_id in conn.execute(
            select(revisions.c.id, revisions.c.page_id, revisions.c.author_id)
        ):
            if page_id in kept.pages:
                kept.revisions.add(revision_id)
                kept.users.add(author_id)
        public_records = select(records.c.id, records.c.form_id, records.c.author_id, records.c.data).where(
            records.c.deleted_at.is_(None), records.c.status.in_(PUBLIC_STATUSES)
        )
        file_refs: set[int] = set()
        for record_id, form_id, author_id, data in conn.execute(public_records):
            if form_id not in kept.public_fields:
                continue
            kept.records.add(record_id)
            kept.record_forms[record_id] = form_id
            kept.users.add(author_id)
            for value in kept.form_rules[form_id].values(data or {}).values():
                if isinstance(value, dict) and isinstance(value.get("attachment_id"), int):
                    file_refs.add(value["attachment_id"])
        attachments = t["attachments"]
        rows = conn.execute(
            select(
                attachments.c.id,
                attachments.c.page_id,
                attachments.c.record_id,
                attachments.c.uploader_id,
                attachments.c.stored_name,
                attachments.c.deleted_at,
            )
        )
        for attachment_id, page_id, record_id, uploader_id, stored_name, deleted_at in rows:
            on_page = page_id in kept.pages and deleted_at is None
            on_record = record_id in kept.records and attachment_id in file_refs
            if on_page or on_record:
                kept.attachments.add(attachment_id)
                kept.users.add(uploader_id)
                kept.stored_files.add(stored_name)
        activities = t["activities"]
        for kind, object_id, actor_id, public in conn.execute(
            select(activities.c.kind, activities.c.object_id, activities.c.actor_id, activities.c.public)
        ):
            if public and kept._activity_kept(kind, object_id):
                kept.users.add(actor_id)
        revisions_table = t["record_revisions"]
        for kind, object_id, author_id in conn.execute(
            select(revisions_table.c.kind, revisions_table.c.object_id, revisions_table.c.author_id)
        ):
            if kind in ("form", "list") or (kind == "record" and object_id in kept.records):
                kept.users.add(author_id)
        kept.users.discard(None)
        return kept

    def _activity_kept(self, kind: str, object_id: int) -> bool:
        return (
            (kind == "page" and object_id in self.pages)
            or (kind == "record" and object_id in self.records)
            or kind == "form"
        )

    def _record_data(self, record_id: int, data: dict[str, Any] | None) -> dict[str, Any]:
        """The current values of a kept record that it shows to anyone."""
        rule = self.form_rules.get(self.record_forms.get(record_id, -1))
        return rule.values(data or {}) if rule is not None else {}

    def _history_data(self, record_id: int, data: dict[str, Any] | None) -> dict[str, Any]:
        """The values of an old revision every record shows to anyone (no personal value, consented or not)."""
        allowed = self.public_fields.get(self.record_forms.get(record_id, -1), set())
        return {key: value for key, value in (data or {}).items() if key in allowed}

    def keeps_table(self, name: str) -> bool:
        """Tell whether a table has a public form at all."""
        return name in _RULES

    def rows(self, name: str, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield the public form of the (encoded) rows of table ``name``."""
        rule = _RULES[name]
        for row in rows:
            kept = rule(self, row)
            if kept is not None:
                yield kept

    def keeps_file(self, relative: str) -> bool:
        """Tell whether an uploaded file (path under ``uploads``) belongs to a kept attachment."""
        return relative.rsplit("/", 1)[-1] in self.stored_files


def _field_defs(fields: Any) -> list[Any]:
    try:
        return schema.validate_schema(list(fields or []))
    except (ValueError, TypeError):
        return []


def _user(kept: PublicFilter, row: dict[str, Any]) -> dict[str, Any] | None:
    if row["id"] not in kept.users:
        return None
    return row | {
        "email": None,
        "email_pending": None,
        "link_sent_at": None,
        "password_hash": "!",
        "role": "visitor",
        "is_active": False,
        "last_login_at": None,
        "session_version": 1,
        "failed_logins": 0,
        "locked_until": None,
    }


def _record(kept: PublicFilter, row: dict[str, Any]) -> dict[str, Any] | None:
    if row["id"] not in kept.records:
        return None
    data = kept._record_data(row["id"], row["data"])
    # Recomputed from the public values only, with the form as it is now.
    search_text = F.fold(display.search_text(kept.form_rules[kept.record_forms[row["id"]]].fields, data))
    # An import's unmapped properties ("autres propriétés") are unvetted: moderators only, never published.
    return row | {"data": data, "search_text": search_text, "extra": None}


def _revision(kept: PublicFilter, row: dict[str, Any]) -> dict[str, Any] | None:
    if row["kind"] in ("form", "list"):
        return row
    if row["kind"] != "record" or row["object_id"] not in kept.records:
        return None
    snapshot = dict(row["snapshot"] or {})
    snapshot["data"] = kept._history_data(row["object_id"], snapshot.get("data"))
    snapshot.pop("extra", None)
    return row | {"snapshot": snapshot}


def _activity(kept: PublicFilter, row: dict[str, Any]) -> dict[str, Any] | None:
    return row if row["public"] and kept._activity_kept(row["kind"], row["object_id"]) else None


def _where(column: str, ids: str) -> Any:
    return lambda kept, row: row if row[column] in getattr(kept, ids) else None


def _everything(kept: PublicFilter, row: dict[str, Any]) -> dict[str, Any]:
    return row


_RULES = {
    "users": _user,
    "pages": _where("id", "pages"),
    "page_revisions": _where("page_id", "pages"),
    "rendered_revisions": _where("revision_id", "revisions"),
    "page_links": _where("page_id", "pages"),
    "page_redirects": _where("page_id", "pages"),
    "attachments": _where("id", "attachments"),
    "forms": _everything,
    "choice_lists": _everything,
    "themes": _everything,
    "records": _record,
    "record_facets": _where("record_id", "records"),
    "record_revisions": _revision,
    "activities": _activity,
    # Open-data metadata is published as is (its contact is an organisation).
    "dataset_meta": _everything,
    # The territory and the map: zones are public, geometries and zone links of kept records only.
    "zones": _everything,
    "record_geometries": _where("record_id", "records"),
    "record_zones": _where("record_id", "records"),
    # What imported items became: kept with the record (or page) they point to.
    "import_items": lambda kept, row: row if row["record_id"] in kept.records or row["page_id"] in kept.pages else None,
    # The agenda's projection of kept (public) event records.
    "agenda_events": lambda kept, row: row if row["record_id"] in kept.records and row["public"] else None,
    "agenda_occurrences": _where("record_id", "records"),
    # The iCalendar feeds' stored VEVENTs: kept only for public events, written from what anyone sees.
    "export_vevents": _where("record_id", "records"),
}
