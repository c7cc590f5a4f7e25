"""Form definitions: field types, the :class:`FieldDef` record, and schema validation.

Pure module: it must not import flask, sqlalchemy nor any Lieudit module but
its siblings :mod:`wiki.records.values` and :mod:`geodata.fields`.
Callers use it through :mod:`wiki.records.fields`, which re-exports all of it.
:func:`validate_schema` accepts a whole form definition (form builder, JSON
import) or nothing, listing every problem (HOSTILE_INPUTS B4-33, B4-34): keys
are plain identifiers and never reserved words, types and options are known,
sizes are capped, and no structure is nested deeper than a list of choices.
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

import geodata.fields as geo
from wiki.records import values as val

FIELD_TYPES: tuple[str, ...] = (
    "text", "longtext", "number", "boolean", "choice", "multichoice", "date", "datetime", "schedule",
    "geometry", "zone", "theme", "url", "email", "phone", "file", "image", "link",
)  # fmt: skip
VISIBILITIES = ("public", "members", "private")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}\Z")  # \Z, not $: "key\n" must not match
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
ZONE_LEVELS = ("commune", "epci", "departement", "region")
FieldError = val.FieldError

_ID_RE = re.compile(r"f_[0-9a-f]{8}")
_CHOICE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
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


# --- options, checked per type ------------------------------------------------------


def _int_option(low: int, high: int) -> abc.Callable[[Any], Any]:
    def check(raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise FieldError(f"nombre entier de {low} à {high} attendu")
        return raw

    return check


def _bool_option(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise FieldError("vrai ou faux attendu")
    return raw


def _number_option(raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise FieldError("nombre attendu")
    return val.parse_number(raw)


def _unit_option(raw: Any) -> str:
    if not isinstance(raw, str) or len(raw.strip()) > 20 or val.UNSAFE_RE.search(raw):
        raise FieldError("texte de 20 caractères au plus attendu")
    return raw.strip()


def _key_option(raw: Any) -> str:
    if not isinstance(raw, str) or not KEY_RE.fullmatch(raw):
        raise FieldError("nom court attendu (minuscules, chiffres et « _ »)")
    return raw


def _subset_option(allowed: tuple[str, ...]) -> abc.Callable[[Any], Any]:
    def check(raw: Any) -> list[str]:
        if not isinstance(raw, (list, tuple)) or not raw or any(item not in allowed for item in raw):
            raise FieldError(f"liste non vide parmi {', '.join(allowed)} attendue")
        return list(dict.fromkeys(raw))

    return check


def _enum_option(allowed: tuple[str, ...]) -> abc.Callable[[Any], Any]:
    def check(raw: Any) -> str:
        if raw not in allowed:
            raise FieldError(f"une valeur parmi {', '.join(allowed)} attendue")
        return raw

    return check


def _date_option(raw: Any) -> str:
    return val.parse_date(raw if isinstance(raw, str) else None).isoformat()


def _datetime_option(raw: Any) -> str:
    val.parse_datetime(raw if isinstance(raw, str) else None, "Europe/Paris")
    return raw.strip()


def _choices_option(raw: Any, limit: int = 500) -> list[dict[str, str]]:
    if not isinstance(raw, (list, tuple)) or not 0 < len(raw) <= limit:
        raise FieldError(f"liste de 1 à {limit} choix attendue")
    choices: dict[str, str] = {}
    for item in raw:
        if not isinstance(item, abc.Mapping) or set(item) != {"value", "label"}:
            raise FieldError("chaque choix a exactement une valeur (« value ») et un libellé (« label »)")
        value, label = item["value"], item["label"]
        if not isinstance(value, str) or not _CHOICE_RE.fullmatch(value):
            raise FieldError(f"valeur de choix {val.quote(value)} invalide (minuscules, chiffres, « - » et « _ »)")
        if not isinstance(label, str) or not 0 < len(label.strip()) <= 200 or val.UNSAFE_RE.search(label):
            raise FieldError(f"libellé du choix « {value} » invalide (1 à 200 caractères)")
        if value in choices:
            raise FieldError(f"valeur de choix « {value} » en double")
        choices[value] = unicodedata.normalize("NFC", label.strip())
    return [{"value": value, "label": label} for value, label in choices.items()]


def validate_choices(items: list[abc.Mapping[str, Any]]) -> list[dict[str, str]]:
    """Check the items of a shared choice list (``{"value", "label"}``, at most 1,000) and return them normalised.

    :raises SchemaError: with the first problem found.
    """
    try:
        return _choices_option(items, limit=1000)
    except FieldError as error:
        raise SchemaError([f"Liste de choix : {error.message}."]) from None


_FILE_OPTIONS = {"max_bytes": _int_option(1, 2**31)}
_OPTIONS: dict[str, dict[str, abc.Callable[[Any], Any]]] = {
    "text": {"max_length": _int_option(1, 10_000)},
    "longtext": {"max_length": _int_option(1, 200_000)},
    "number": {
        "min": _number_option,
        "max": _number_option,
        "integer": _bool_option,
        "unit": _unit_option,
        "year": _bool_option,
    },
    "boolean": {},
    "choice": {"list": _key_option, "choices": _choices_option},
    "multichoice": {"list": _key_option, "choices": _choices_option, "max_items": _int_option(1, 500)},
    "date": {"min": _date_option, "max": _date_option},
    "datetime": {"min": _datetime_option, "max": _datetime_option},
    "schedule": {},
    "geometry": {"kinds": _subset_option(geo.GEOMETRY_KINDS)},
    "zone": {"levels": _subset_option(ZONE_LEVELS), "multiple": _bool_option},
    "theme": {"max_items": _int_option(1, 100)},
    "url": {},
    "email": {},
    "phone": {},
    "file": _FILE_OPTIONS,
    "image": _FILE_OPTIONS,
    "link": {"target": _enum_option(("record", "page")), "form": _key_option},
}


def _check_options(kind: str, raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Return the normalised options of a field of type ``kind``, and the problems found."""
    if raw is None:
        return {}, []
    if not isinstance(raw, abc.Mapping):
        return {}, ["les options doivent être un objet"]
    specs, options, problems = _OPTIONS[kind], {}, []
    for name, value in raw.items():
        if name not in specs:
            problems.append(f"option inconnue {val.quote(name)}")
        elif value is not None:
            try:
                options[name] = specs[name](value)
            except FieldError as error:
                problems.append(f"option « {name} » : {error.message[0].lower()}{error.message[1:].rstrip('.')}")
    if problems:
        return options, problems
    low, high = options.get("min"), options.get("max")
    if kind == "datetime" and low and high:
        low, high = (val.parse_datetime(v, "Europe/Paris") for v in (low, high))
    if low is not None and high is not None and low > high:
        problems.append("le minimum dépasse le maximum")
    if kind in ("choice", "multichoice") and ("list" in options) == ("choices" in options):
        problems.append("indiquez soit une liste partagée (« list »), soit des choix (« choices »), pas les deux")
    if {"departement", "region"} <= set(options.get("levels", ())):
        problems.append("départements et régions ne peuvent être mêlés (codes à deux chiffres ambigus)")
    if options.get("form") and options.get("target", "record") != "record":
        problems.append("« form » ne s'emploie qu'avec une fiche liée")
    return options, problems


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
    options, option_problems = _check_options(kind, raw.get("options")) if kind in FIELD_TYPES else ({}, [])
    problems.extend(option_problems)
    if problems:
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
                      for name in (f"{field.key}_{part}" for part in val.SCHEDULE_FORM_PARTS) if name in keys)  # fmt: skip
    if errors:
        raise SchemaError(errors)
    return result
