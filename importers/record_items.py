"""Write one imported item as a record of a form: update the record its remote id became, else create one.

What the importers that fill a form share (map layers, spreadsheets):
values typed as a form's fields, the item's other properties (``extra``),
and the link to what the same remote id became at the last import. A record
deleted since is imported anew; an update starts from the record's current
values, so a field the source does not carry keeps its value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.base import error_text
from wiki.errors import LieuditError
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import bulk
from wiki.records import services


def save_record(
    job: Job,
    form: Any,
    values: dict[str, Any],
    link: Link | None,
    *,
    ctx: Any,
    comment: str,
    extra: dict[str, Any] | None,
) -> Written:
    """Update the record ``link`` points to with ``values``, or create it; say which (or ``unchanged``)."""
    record = None
    if link is not None and link.record_id is not None:
        try:
            record = services.get_record(job.db, link.record_id, job.author)
        except NotFound:
            record = None  # deleted since: import it anew
    if record is not None:
        current = {d.key: record.data.get(d.id) for d in services.form_fields(form)}
        outcome = services.update_record(job.db, record, current | values, actor=job.author, policy="account",
                                         base_revision=None, ctx=ctx, comment=comment, extra=extra)  # fmt: skip
        return Written("updated" if outcome.changed else "unchanged", record.id)
    created = services.create_record(job.db, form, values, actor=job.author, policy="account", ctx=ctx,
                                     status="published", comment=comment, extra=extra)  # fmt: skip
    return Written("created", created.id)


def create_records(
    job: Job,
    form: Any,
    items: list[Item],
    *,
    ctx: Any,
    comment: str,
    refusal: Callable[[ValidationError], str] = error_text,
) -> list[Written | Refused]:
    """Create a record per item set-wise (:func:`wiki.records.bulk.create_records`): what each became, or why not.

    The item's ``parsed.extra`` (if any) is kept as « autres propriétés »; ``refusal`` words a refused row's
    validation error (by column, for a spreadsheet).
    """
    rows = [bulk.NewRecord(item.values, status="published", comment=comment,
                           extra=getattr(item.parsed, "extra", None) or None) for item in items]  # fmt: skip
    outcomes = bulk.create_records(job.db, form, rows, actor=job.author, policy="account", ctx=ctx)
    return [_outcome(outcome, refusal) for outcome in outcomes]


def _outcome(outcome: Any, refusal: Callable[[ValidationError], str]) -> Written | Refused:
    if isinstance(outcome, ValidationError):
        return Refused(refusal(outcome))
    if isinstance(outcome, LieuditError):
        return Refused(error_text(outcome))
    return Written("created", outcome.id)
