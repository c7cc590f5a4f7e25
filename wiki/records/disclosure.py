"""Who may read which values of a record: visibility, personal data and consent, decided here only.

Pure module: it must not import flask, sqlalchemy nor any Lieudit module but
its sibling :mod:`wiki.records.schema`. Every output that shows record values
asks this rule, through :mod:`wiki.records.services` or directly: the record
page, lists and macros, the API, the exports, the map, the agenda, search,
the public dump.

Readers come in three levels (:data:`READERS`): ``public`` (anyone; also
what every export, feed and index holds), ``members`` (a logged-in account)
and ``private`` (moderators and the record's author). A field is read at its
visibility level and above; an unknown visibility counts as private.

A *personal* field (RGPD) is read at the private level only, whatever its
visibility, unless it names a consent field (``consent_field``: a yes/no
field of the same form) and that box is ticked in the record: then its own
visibility applies, like any other field's. Unticking the box takes the value
back from every output at the next save. Consent opens the current values
only: facets, sorting and history never count it (a count, an order or an
old revision would tell what an unticked box hides): :func:`shows_always`
keeps personal fields at the private level. The same holds for changing a
value: consent lets people read a personal value, not edit it.
"""

from __future__ import annotations

from collections import abc
from typing import Any

from wiki.records.schema import VISIBILITIES
from wiki.records.schema import FieldDef

#: Reader levels, from anyone to moderators and the record's author (the visibilities' order).
READERS: tuple[str, ...] = VISIBILITIES
_RANKS = {name: rank for rank, name in enumerate(READERS)}


def _reaches(needed: str, reader: str) -> bool:
    """Tell whether a value read at level ``needed`` reaches ``reader``."""
    return _RANKS.get(needed, len(READERS)) <= _RANKS[reader]


def level(field: FieldDef, consented: bool = False) -> str:
    """Return the reader level a field's value is read at; ``consented``: its record's consent box is ticked."""
    return "private" if field.personal and not consented else field.visibility


def shows_always(field: FieldDef, reader: str = "public") -> bool:
    """Tell whether every record shows ``field`` to ``reader``, consent not counted.

    What facets, sorting, the map's placing, history and the right to change
    a value are built on.
    """
    return _reaches(level(field), reader)


class Disclosure:
    """The rule applied to the fields of one form, its consent fields resolved once.

    A consent field that is missing, not yes/no or itself personal (a
    definition stored without :func:`~wiki.records.schema.validate_schema`)
    opens nothing.
    """

    def __init__(self, fields: abc.Iterable[FieldDef]) -> None:
        self.fields = tuple(fields)
        by_key = {field.key: field for field in self.fields}
        self._consents: dict[str, str] = {}
        for field in self.fields:
            box = by_key.get(field.consent_field or "")
            if field.personal and box is not None and box.type == "boolean" and not box.personal:
                self._consents[field.id] = box.id
        self._plans: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, bool], ...]]] = {}

    def consent_field(self, field: FieldDef) -> FieldDef | None:
        """Return the consent field of a personal field, or None."""
        box = self._consents.get(field.id)
        return next((f for f in self.fields if f.id == box), None) if box else None

    def consent_fields(self) -> list[FieldDef]:
        """Return the fields that are some personal field's consent box, in form order."""
        boxes = set(self._consents.values())
        return [field for field in self.fields if field.id in boxes]

    def consented(self, field: FieldDef, data: abc.Mapping[str, Any]) -> bool:
        """Tell whether ``data`` (a record's values by field id) has the consent box of ``field`` ticked."""
        box = self._consents.get(field.id)
        return box is not None and data.get(box) is True

    def shows(self, field: FieldDef, data: abc.Mapping[str, Any], reader: str = "public") -> bool:
        """Tell whether ``reader`` may read the value of ``field`` in a record holding ``data``."""
        return _reaches(level(field, self.consented(field, data)), reader)

    def may_show(self, field: FieldDef, reader: str = "public") -> bool:
        """Tell whether some record may show ``field`` to ``reader``: the columns of lists and exports."""
        return _reaches(level(field, field.id in self._consents), reader)

    def columns(self, reader: str = "public") -> list[FieldDef]:
        """Return the fields some record may show to ``reader``, in form order."""
        return [field for field in self.fields if self.may_show(field, reader)]

    def values(self, data: abc.Mapping[str, Any], reader: str = "public") -> dict[str, Any]:
        """Return the values of ``data`` that ``reader`` may read, by field id (the others are left out).

        The same answer as :meth:`shows` for each field, from a plan made once
        per reader: exports call this for every row.
        """
        always, depending = self._plan(reader)
        found = {ident: data[ident] for ident in always if ident in data}
        found.update(
            (ident, data[ident]) for ident, box, when in depending if ident in data and (data.get(box) is True) is when
        )
        return found

    def _plan(self, reader: str) -> tuple[tuple[str, ...], tuple[tuple[str, str, bool], ...]]:
        """Split the fields for ``reader``: ids read whatever the record, and (id, box id, read when ticked?) of the others."""
        plan = self._plans.get(reader)
        if plan is None:
            always, depending = [], []
            for field in self.fields:
                unticked = _reaches(level(field), reader)
                box = self._consents.get(field.id)
                ticked = _reaches(level(field, True), reader) if box else unticked
                if box and ticked != unticked:
                    depending.append((field.id, box, ticked))
                elif unticked:
                    always.append(field.id)
            plan = self._plans[reader] = (tuple(always), tuple(depending))
        return plan
