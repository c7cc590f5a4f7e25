"""Form definitions: field types, the :class:`FieldDef` record, and schema validation.

Pure module: it must not import flask, sqlalchemy nor any Lieudit module but
its siblings :mod:`wiki.records.values`, :mod:`wiki.records.options`,
:mod:`wiki.records.schedules` and :mod:`geodata.fields`.
Callers use it through :mod:`wiki.records.fields`, which re-exports all of it.
:func:`validate_schema` accepts a whole form definition (form builder, JSON
import) or nothing, listing every problem (HOSTILE_INPUTS B4-33, B4-34): keys
are plain identifiers and never reserved words, types and options
(:mod:`wiki.records.options`) are known, sizes are capped, and no structure is
nested deeper than a list of choices.
A personal field may name the yes/no field of the same form that records the
person's consent to publication (``consent_field``); who then reads what is
decided in :mod:`wiki.records.disclosure`.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import unicodedata
from collections import abc
from typing import Any

from wiki.records import options
from wiki.records import schedules
from wiki.records import values as val
from wiki.records.options import check_choices
from wiki.records.options import check_options

FIELD_TYPES: tuple[str, ...] = (
    "text", "longtext", "number", "boolean", "choice", "multichoice", "date", "datetime", "schedule",
    "geometry", "zone", "theme", "url", "email", "phone", "file", "image", "link",
)  # fmt: skip
VISIBILITIES = ("public", "members", "private")
KEY_RE = val.KEY_RE
# Column names of records and words that invite SQL or template confusion; "title"
# and "geometry" stay free: forms have such fields.
RESERVED_KEYS: frozenset[str] = frozenset({
    "id", "key", "form", "form_id", "status", "created_at", "updated_at", "created_by", "updated_by", "author",
    "owner", "owner_id", "record", "record_id", "revision", "revision_id", "slug", "deleted_at", "data",
    "select", "from", "where", "table", "user", "password", "is_private", "visibility", "zone_codes",
    "verified_at", "last_verified_at",
    # URL parameters of lists and the API: a field with one of these names
    # could not be filtered on without ambiguity.
    "q", "page", "tri", "vue", "statut", "limit", "offset", "par_page", "format", "since",
})  # fmt: skip
MAX_FIELDS = 200
ZONE_LEVELS = options.ZONE_LEVELS
FieldError = val.FieldError

_ID_RE = re.compile(r"f_[0-9a-f]{8}")
_FIELD_KEYS = frozenset(
    {"id", "key", "type", "label", "help", "required", "visibility", "personal", "consent_field", "options"}
)


class SchemaError(ValueError):
    """A form definition is refused; ``errors`` lists every problem found, in French."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def new_field_id() -> str:
    """Return a fresh internal field id: ``f_`` and 8 hexadecimal digits."""
    return f"f_{secrets.token_hex(4)}"


@dataclasses.dataclass(frozen=True)
class FieldDef:
    """One field of a form. ``id`` is internal and stable; ``key`` is the public name (exports, API, macros).

    ``personal`` marks personal data (RGPD): read by moderators and the
    record's author only, unless ``consent_field`` names a yes/no field of the
    same form and that box is ticked in the record (then the field's
    ``visibility`` applies, see :mod:`wiki.records.disclosure`). Consent is a
    property of any personal field, whatever its type, so it sits beside
    ``personal`` rather than among the per-type ``options`` checked by
    :func:`validate_schema`; treat ``options`` as read-only.
    """

    id: str
    key: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    visibility: str = "public"
    personal: bool = False
    consent_field: str | None = None
    options: abc.Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the plain JSON-ready form of this field, as stored with the form.

        ``consent_field`` is left out when unset, so definitions stored before
        it existed compare equal to the same definitions read back.
        """
        data = dataclasses.asdict(self) | {"options": _plain(self.options)}
        if data["consent_field"] is None:
            del data["consent_field"]
        return data

    @classmethod
    def from_dict(cls, data: abc.Mapping[str, Any]) -> FieldDef:
        """Build a field from its stored or submitted form; raise SchemaError if anything is wrong.

        The field is checked alone: whether its consent field is a yes/no
        field of the form is :func:`validate_schema`'s business.
        """
        return _validate([data], whole=False)[0]


def _plain(value: Any) -> Any:
    if isinstance(value, abc.Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value


def validate_choices(items: abc.Sequence[abc.Mapping[str, Any]]) -> list[dict[str, str]]:
    """Check the items of a shared choice list (``{"value", "label"}``, at most 1,000) and return them normalised.

    :raises SchemaError: with the first problem found.
    """
    try:
        return check_choices(items, limit=1000)
    except FieldError as error:
        raise SchemaError([f"Liste de choix : {error.message}."]) from None


def _check_text(raw: Any, name: str, high: int, problems: list[str], *, lines: bool = False) -> str:
    """Return a label (one line, 1 to ``high`` characters) or a help text (``lines``: may be empty or multi-line)."""
    if raw is None and lines:
        return ""
    text = (
        unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n").strip())
        if isinstance(raw, str)
        else ""
    )
    if (
        not isinstance(raw, str)
        or len(text) > high
        or not (text or lines)
        or val.UNSAFE_RE.search(text)
        or (not lines and re.search(r"[\n\t]", text))
    ):
        span = f"{high} caractères au plus" if lines else f"de 1 à {high} caractères, sur une ligne"
        problems.append(f"{name} : {span}, sans caractère de contrôle")
        return ""
    return text


def _check_field(raw: Any, problems: list[str]) -> FieldDef | None:
    """Check one field definition, appending problems; return the field if there were none."""
    if not isinstance(raw, abc.Mapping):
        problems.append("un objet (clé, type, libellé…) est attendu")
        return None
    problems.extend(f"propriété inconnue {val.quote(str(name))}" for name in raw if name not in _FIELD_KEYS)
    key, kind, ident = raw.get("key"), raw.get("type"), raw.get("id")
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        problems.append(f"clé {val.quote(key)} invalide : minuscules sans accent, chiffres et « _ », "
                        "64 caractères au plus, en commençant par une lettre")  # fmt: skip
    elif key in RESERVED_KEYS:
        problems.append(f"la clé « {key} » est réservée, choisissez-en une autre")
    if ident is not None and (not isinstance(ident, str) or not _ID_RE.fullmatch(ident)):
        problems.append(f"identifiant interne {val.quote(ident)} invalide")
    if kind not in FIELD_TYPES:
        problems.append(f"type de champ inconnu {val.quote(kind)}")
    label = _check_text(raw.get("label"), "libellé", 200, problems)
    help_text = _check_text(raw.get("help"), "aide", 1000, problems, lines=True)
    for flag in ("required", "personal"):
        if not isinstance(raw.get(flag, False), bool):
            problems.append(f"« {flag} » doit valoir vrai ou faux")
    visibility = raw.get("visibility", "public")
    if visibility not in VISIBILITIES:
        problems.append(f"visibilité {val.quote(visibility)} inconnue (public, members ou private)")
    consent = raw.get("consent_field")
    consent = None if consent == "" else consent
    if consent is not None and (not isinstance(consent, str) or not KEY_RE.fullmatch(consent)):
        problems.append(f"case de consentement {val.quote(consent)} invalide : indiquez un champ oui/non du formulaire")
    elif consent is not None and raw.get("personal") is not True:
        problems.append("une case de consentement ne s'emploie qu'avec une donnée personnelle")
    options, option_problems = check_options(kind, raw.get("options")) if kind in FIELD_TYPES else ({}, [])
    problems.extend(option_problems)
    if problems or not isinstance(key, str) or not isinstance(kind, str):  # a non-text key or type was reported above
        return None
    return FieldDef(id=ident or new_field_id(), key=key, type=kind, label=label, help=help_text,
                    required=raw.get("required", False), visibility=visibility,
                    personal=raw.get("personal", False), consent_field=consent, options=options)  # fmt: skip


def _consent_problems(fields: list[FieldDef], positions: abc.Mapping[str, int]) -> list[str]:
    """Check that each consent field named is a yes/no field of the form that is not itself personal."""
    by_key = {field.key: field for field in fields}
    problems = []
    for field in fields:
        if field.consent_field is None:
            continue
        target = by_key.get(field.consent_field)
        name = f"Champ {positions[field.key]} (« {field.key} »)"
        if target is None:
            problems.append(
                f"{name} : la case de consentement « {field.consent_field} » n'est pas un champ du formulaire."
            )
        elif target.type != "boolean":
            problems.append(
                f"{name} : la case de consentement « {target.key} » doit être un champ oui/non (case à cocher)."
            )
        elif target.personal:
            problems.append(
                f"{name} : la case de consentement « {target.key} » ne peut pas être elle-même une donnée personnelle."
            )
    return problems


def validate_schema(fields: list[abc.Mapping[str, Any]]) -> list[FieldDef]:
    """Check a whole form definition and return its fields, or raise SchemaError listing every problem.

    Atomic: one problem anywhere refuses the whole definition. A field without
    ``id`` gets a new one (new fields from the builder, imports).

    :raises SchemaError: with ``errors`` naming each field by position.
    """
    return _validate(fields, whole=True)


def _validate(fields: list[abc.Mapping[str, Any]], *, whole: bool) -> list[FieldDef]:
    """Check field definitions; ``whole``: they are the whole form, so fields naming each other are checked too."""
    if not isinstance(fields, (list, tuple)):
        raise SchemaError(["La définition du formulaire doit être une liste de champs."])
    if len(fields) > MAX_FIELDS:
        raise SchemaError([f"Trop de champs : {len(fields)} ({MAX_FIELDS} au plus)."])
    errors: list[str] = []
    result: list[FieldDef] = []
    keys: dict[str, int] = {}
    ids: dict[str, int] = {}
    for position, raw in enumerate(fields, 1):
        problems: list[str] = []
        field = _check_field(raw, problems)
        key = raw.get("key") if isinstance(raw, abc.Mapping) else None
        ident = raw.get("id") if isinstance(raw, abc.Mapping) else None
        if isinstance(key, str) and key in keys:
            problems.append(f"la clé « {key} » est déjà celle du champ {keys[key]}")
        if isinstance(ident, str) and ident in ids:
            problems.append(f"l'identifiant « {ident} » est déjà celui du champ {ids[ident]}")
        if isinstance(key, str) and KEY_RE.fullmatch(key):
            keys.setdefault(key, position)
        if isinstance(ident, str):
            ids.setdefault(ident, position)
        name = (
            f"Champ {position} (« {key} »)" if isinstance(key, str) and KEY_RE.fullmatch(key) else f"Champ {position}"
        )
        errors.extend(f"{name} : {problem}." for problem in problems)
        if field is not None:
            result.append(field)
    if whole:
        errors.extend(_consent_problems(result, keys))
    for field in result:  # the flat HTML inputs of a schedule, {key}_start… (parse_schedule_form)
        errors.extend(f"Champ {keys[name]} (« {name} ») : la clé « {name} » est prise par les cases du champ horaire « {field.key} »."
                      for name in (f"{field.key}_{part}" for part in schedules.SCHEDULE_FORM_PARTS) if name in keys)  # fmt: skip
    if errors:
        raise SchemaError(errors)
    return result
