"""User-defined form fields (YesWiki's Bazar, done safely): check record values.

Pure module: it must not import flask, sqlalchemy nor any Lieudit module but
its siblings :mod:`wiki.records.schema` (field definitions, re-exported here),
:mod:`wiki.records.values`, :mod:`wiki.records.schedules`,
:mod:`wiki.records.contacts`, :mod:`wiki.records.zone_fields` and :mod:`geodata.fields` (the parsers), so
forms can be checked and unit-tested alone; services code against this module.
Showing values as text (and search text) is :mod:`wiki.records.display`.

:func:`clean_record` re-validates every submitted record server-side, whatever
the form's steps or conditions claimed (HOSTILE_INPUTS B4-41), and keeps only
the fields of the form: ``owner_id``, ``status`` or ``form_id`` sent as data are
never stored (B4-35). Values come from an HTML form (strings, "on"/absent
checkboxes, lists from multi-selects) or JSON (typed); they are checked per
type (B4-36..39, B5-45) and stored keyed by the field's stable ``id``, so
renaming a key loses nothing. Cleaning a cleaned value gives it back unchanged.
Messages are short French sentences, plain text: whoever shows them escapes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import unicodedata
from collections import abc
from typing import Any
from typing import TypeGuard

import geodata.fields as geo
from wiki.agenda import builder
from wiki.agenda import rules
from wiki.records import contacts
from wiki.records import schedules
from wiki.records import schema
from wiki.records import values as val
from wiki.records import zone_fields

# The public API, defined in the sibling modules.
FIELD_TYPES = schema.FIELD_TYPES
VISIBILITIES = schema.VISIBILITIES
KEY_RE = schema.KEY_RE
RESERVED_KEYS = schema.RESERVED_KEYS
MAX_FIELDS = schema.MAX_FIELDS
ZONE_LEVELS = schema.ZONE_LEVELS
FieldDef = schema.FieldDef
FieldError = val.FieldError
SchemaError = schema.SchemaError
new_field_id = schema.new_field_id
validate_schema = schema.validate_schema
validate_choices = schema.validate_choices
parse_schedule_form = schedules.parse_schedule_form
zone_levels_of = zone_fields.zone_levels_of
zone_level = zone_fields.zone_level

MSG_REQUIRED = "Ce champ est obligatoire."
_PAGE_RE = re.compile(r"[\w-]{1,120}")
_DIGITS_RE = re.compile(r"[0-9]{1,18}")
_SPACES_RE = re.compile(r"[\t\n\r\x0b\x0c \x85\u2028\u2029]+")  # NBSP kept: French typography
_DEFAULTS = {"text": 300, "longtext": 50_000, "multichoice": 50, "theme": 10}
_MAX_ITEMS = 1000  # any submitted list, before its items are looked at
_ATTACHMENT_KEYS = frozenset({"attachment_id", "name", "size", "alt"})


@dataclasses.dataclass(frozen=True)
class Context:
    """What cleaning needs from outside (the services pass it in)."""

    choice_lists: abc.Mapping[str, abc.Sequence[str]] = dataclasses.field(default_factory=dict)  # list key -> values
    theme_keys: frozenset[str] = frozenset()  # allowed theme keys (slugs)
    theme_lookup: abc.Mapping[str, str] = dataclasses.field(default_factory=dict)  # label/synonym/slug -> key
    zone_exists: abc.Callable[[str, str], bool] | None = None  # (level, code); None: codes are only syntax-checked
    zone_find: abc.Callable[[str, str], list[str]] | None = None  # (level, name typed) -> codes of that name
    record_find: abc.Callable[[str, str], list[tuple[int, str]]] | None = None  # (form key, words) -> (id, title)
    default_timezone: str = "Europe/Paris"


def fold(text: str) -> str:
    """Reduce a name for matching: accents removed, case folded, spaces collapsed (« Mobilité » → "mobilite")."""
    return _fold_name(text) if len(text) <= 200 else _fold(text)  # names are folded again and again: remember them


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


_fold_name = functools.lru_cache(maxsize=4096)(_fold)


# --- one cleaner per type: (field, raw non-blank value, context) -> clean value ----------------


def _limited(field: FieldDef, text: str) -> str | None:
    high = field.options.get("max_length") or _DEFAULTS[field.type]
    if len(text) > high:
        raise FieldError(
            f"Texte trop long : {val.format_number(len(text))} caractères ({val.format_number(high)} au plus)."
        )
    return text or None


def _text(field: FieldDef, raw: Any, ctx: Context) -> str | None:
    if not isinstance(raw, str):
        raise FieldError("Texte attendu.")
    text = val.UNSAFE_RE.sub("", _SPACES_RE.sub(" ", raw)).strip()
    return _limited(field, unicodedata.normalize("NFC", text))


def _longtext(field: FieldDef, raw: Any, ctx: Context) -> str | None:
    if not isinstance(raw, str):
        raise FieldError("Texte attendu.")
    text = val.UNSAFE_RE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).rstrip().lstrip("\n")
    return _limited(field, unicodedata.normalize("NFC", text))


def _number(field: FieldDef, raw: Any, ctx: Context) -> int | float:
    options = field.options
    value = val.parse_number(raw, options.get("unit") or "")
    if options.get("integer") and not isinstance(value, int):
        raise FieldError("Nombre entier attendu, sans décimales.")
    if options.get("min") is not None and value < options["min"]:
        raise FieldError(f"Le nombre doit être au moins {val.format_number(options['min'])}.")
    if options.get("max") is not None and value > options["max"]:
        raise FieldError(f"Le nombre doit être au plus {val.format_number(options['max'])}.")
    return value


def _allowed(field: FieldDef, ctx: Context) -> dict[str, str]:
    """Return the allowed values of a choice field, with their labels."""
    if "choices" in field.options:
        return {item["value"]: item["label"] for item in field.options["choices"]}
    name = field.options.get("list")
    if not isinstance(name, str) or name not in ctx.choice_lists:
        raise FieldError(f"Liste de choix {val.quote(name)} introuvable : prévenez les modérateurs.")
    return dict.fromkeys(ctx.choice_lists[name], "")


def _items(raw: Any, message: str) -> list[str]:
    """Read one string or a list of strings: stripped, blanks and duplicates dropped, order kept."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)) or len(items) > _MAX_ITEMS or not all(isinstance(i, str) for i in items):
        raise FieldError(message)
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


def _refuse(unknown: list[str], one: str, many: str) -> None:
    names = ", ".join(val.quote(item) for item in unknown[:5]) + (" …" if len(unknown) > 5 else "")
    raise FieldError(f"{one if len(unknown) == 1 else many} : {names}.")


def _choice(field: FieldDef, raw: Any, ctx: Context) -> str:
    if isinstance(raw, (list, tuple)) and len(raw) == 1:
        raw = raw[0]  # a value stored when the field was a multichoice
    if not isinstance(raw, str):
        raise FieldError("Un seul choix attendu.")
    if raw.strip() not in _allowed(field, ctx):
        raise FieldError(f"Choix non autorisé : {val.quote(raw.strip())}.")
    return raw.strip()


def _multichoice(field: FieldDef, raw: Any, ctx: Context) -> list[str] | None:
    items, allowed = _items(raw, "Liste de choix attendue."), _allowed(field, ctx)
    if unknown := [item for item in items if item not in allowed]:
        _refuse(unknown, "Choix non autorisé", "Choix non autorisés")
    high = field.options.get("max_items") or _DEFAULTS["multichoice"]
    if len(items) > high:
        raise FieldError(f"Trop de choix : {high} au plus.")
    return items or None


def _date(field: FieldDef, raw: Any, ctx: Context) -> str:
    day = val.parse_date(raw).isoformat()  # ISO dates compare as strings
    low, high = field.options.get("min"), field.options.get("max")
    if low and day < low:
        raise FieldError(f"La date doit être le {val.format_date(low)} ou après.")
    if high and day > high:
        raise FieldError(f"La date doit être le {val.format_date(high)} ou avant.")
    return day


def _datetime(field: FieldDef, raw: Any, ctx: Context) -> str:
    if isinstance(raw, abc.Mapping) and set(raw) <= {"date", "time"}:  # the form's date and time inputs
        day, time = (str(raw.get(part) or "").strip() for part in ("date", "time"))
        if not day or not time:
            raise FieldError("Indiquez aussi la date." if time else "Indiquez aussi l'heure.")
        raw = f"{val.parse_date(day).isoformat()}T{val.parse_time(time).isoformat()}"
    moment = val.parse_datetime(raw, ctx.default_timezone)
    low, high = (
        val.parse_datetime(field.options[k], ctx.default_timezone) if field.options.get(k) else None
        for k in ("min", "max")
    )
    if low and moment < low:
        raise FieldError(f"La date doit être le {low:%d/%m/%Y à %H:%M} ou après.")
    if high and moment > high:
        raise FieldError(f"La date doit être le {high:%d/%m/%Y à %H:%M} ou avant.")
    return moment.isoformat(timespec="seconds")


def _zone(field: FieldDef, raw: Any, ctx: Context) -> str | list[str] | None:
    return zone_fields.clean_zones(field, raw, ctx.zone_exists, ctx.zone_find)


def _theme(field: FieldDef, raw: Any, ctx: Context) -> list[str] | None:
    items = _items(raw, "Liste de thèmes attendue.")
    lookup = {fold(name): key for name, key in ctx.theme_lookup.items()} | {fold(key): key for key in ctx.theme_keys}
    found: list[str] = []
    unknown: list[str] = []
    for item in items:
        key = lookup.get(fold(item))
        if key is None or (ctx.theme_keys and key not in ctx.theme_keys):
            unknown.append(item)
        elif key not in found:
            found.append(key)
    if unknown:
        _refuse(unknown, "Thème inconnu", "Thèmes inconnus")
    high = field.options.get("max_items") or _DEFAULTS["theme"]
    if len(found) > high:
        raise FieldError(f"Trop de thèmes : {high} au plus.")
    return found or None


def _positive_int(raw: Any) -> TypeGuard[int]:
    return isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 2**63


def _attachment(field: FieldDef, raw: Any, ctx: Context) -> dict[str, Any]:
    """Check the reference made by the upload code: ``{"attachment_id", "name"}``, optional ``size``, ``alt``."""
    if (
        not isinstance(raw, abc.Mapping)
        or not set(raw) <= _ATTACHMENT_KEYS
        or not _positive_int(raw.get("attachment_id"))
    ):
        raise FieldError("Pièce jointe invalide : envoyez le fichier avec le bouton prévu.")
    name, size, alt = raw.get("name"), raw.get("size"), raw.get("alt")
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 160 or val.UNSAFE_RE.search(name) or "\n" in name:
        raise FieldError("Nom de fichier invalide : de 1 à 160 caractères.")
    out: dict[str, Any] = {"attachment_id": raw["attachment_id"], "name": unicodedata.normalize("NFC", name.strip())}
    if size is not None:
        if not (_positive_int(size) or size == 0) or isinstance(size, bool):
            raise FieldError("Taille de fichier invalide.")
        if field.options.get("max_bytes") and size > field.options["max_bytes"]:
            raise FieldError(
                f"Fichier trop lourd : {val.format_number(round(field.options['max_bytes'] / 1e6, 1))} Mo au plus."
            )
        out["size"] = size
    if not val.is_blank(alt):
        if not isinstance(alt, str) or len(alt) > 300 or val.UNSAFE_RE.search(alt):
            raise FieldError("Texte de remplacement invalide : 300 caractères au plus.")
        out["alt"] = " ".join(alt.split())
    return out


def _link(field: FieldDef, raw: Any, ctx: Context) -> str | dict[str, int]:
    if field.options.get("target") == "page":
        slug = unicodedata.normalize("NFC", raw.strip().lower()) if isinstance(raw, str) else ""
        if not _PAGE_RE.fullmatch(slug):
            raise FieldError("Page invalide : indiquez son nom court (ex. mediatheque-de-redon).")
        return slug  # whether it exists is the service's business
    ident = raw.get("record_id") if isinstance(raw, abc.Mapping) and set(raw) == {"record_id"} else raw
    if isinstance(ident, str) and _DIGITS_RE.fullmatch(ident.strip()):
        ident = int(ident)
    if _positive_int(ident):
        return {"record_id": ident}
    form_key = field.options.get("form")
    if isinstance(ident, str) and ctx.record_find is not None and isinstance(form_key, str) and len(ident) <= 300:
        found = ctx.record_find(form_key, ident)  # words typed in the search step
        if len(found) == 1:
            return {"record_id": found[0][0]}
        if found:
            raise FieldError(f"Plusieurs fiches correspondent à {val.quote(ident)} : choisissez-la dans la liste.")
        raise FieldError(f"Aucune fiche ne correspond à {val.quote(ident)} : essayez d'autres mots.")
    raise FieldError("Fiche liée invalide : choisissez-la dans la liste.")


def _schedule(raw: Any, ctx: Context) -> Any:
    """A schedule whose recurrence rule is checked against its first start (no rule that never happens)."""
    value = schedules.clean_schedule(raw, ctx.default_timezone)
    if value and value.get("rrule"):
        first = value["start"]
        start = dt.date.fromisoformat(first) if value["all_day"] else dt.datetime.fromisoformat(first)
        value["rrule"] = rules.validate_rrule(value["rrule"], start)
    if value and value.get("exdates"):
        value["exdates"] = sorted({builder.exdates_from_text(x)[0] if len(x) <= 10 else x for x in value["exdates"]})
    return value


_CLEANERS: dict[str, abc.Callable[[FieldDef, Any, Context], Any]] = {
    "text": _text,
    "longtext": _longtext,
    "number": _number,
    "boolean": lambda field, raw, ctx: val.parse_bool(raw),
    "choice": _choice,
    "multichoice": _multichoice,
    "date": _date,
    "datetime": _datetime,
    "schedule": lambda field, raw, ctx: _schedule(raw, ctx),
    "geometry": lambda field, raw, ctx: geo.clean_geometry(
        raw, tuple(field.options.get("kinds") or geo.GEOMETRY_KINDS)
    ),
    "zone": _zone,
    "theme": _theme,
    "url": lambda field, raw, ctx: contacts.clean_url(raw),
    "email": lambda field, raw, ctx: contacts.clean_email(raw),
    "phone": lambda field, raw, ctx: contacts.clean_phone(raw),
    "file": _attachment,
    "image": _attachment,
    "link": _link,
}


def clean_value(field: FieldDef, raw: Any, ctx: Context) -> Any:
    """Check one submitted value and return it normalised (JSON-ready), or None when empty.

    Booleans are never None: absent means False. Whether a field is required
    is :func:`clean_record`'s business.

    :raises FieldError: the value is invalid; ``message`` says why, in French.
    """
    cleaner = _CLEANERS.get(field.type)
    if cleaner is None:
        raise FieldError(f"Type de champ inconnu : {val.quote(field.type)}.")
    if field.type == "boolean":
        return val.parse_bool(raw)
    return None if val.is_blank(raw) else cleaner(field, raw, ctx)


def _submitted(field: FieldDef, data: abc.Mapping[str, Any]) -> Any:
    """Pick the raw value of ``field`` from the submitted data (HTML form or JSON object)."""
    if field.type == "schedule" and field.key not in data:
        return builder.rrule_from_form(field.key, data, schedules.parse_schedule_form(field.key, data)) or None
    if field.type == "datetime" and field.key not in data:
        parts = {part: data.get(f"{field.key}_{part}") or "" for part in ("date", "time")}
        return parts if any(isinstance(v, str) and v.strip() for v in parts.values()) else None
    getlist = getattr(data, "getlist", None)  # werkzeug's MultiDict: .get() would give the first value only
    if callable(getlist) and (
        field.type in ("multichoice", "theme") or (field.type == "zone" and field.options.get("multiple"))
    ):
        return getlist(field.key)
    if callable(getlist) and len(given := getlist(field.key)) > 1:
        return given  # two values for a one-value field: refused by its check, never the first kept silently
    return data.get(field.key)


def clean_record(
    fields: abc.Sequence[FieldDef], data: abc.Mapping[str, Any], ctx: Context, *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a submitted record against its form; return (clean values by field id, errors by field key).

    Keys of ``data`` that are not fields of the form are ignored (mass
    assignment, HOSTILE_INPUTS B4-35): pass only the fields the actor may
    edit. Every field is checked, whatever was submitted (B4-41); a required
    checkbox must be ticked. ``partial=True`` (drafts) only waives "required":
    it is not a patch, absent fields come back empty. Data that is not a
    mapping gives the single error key ``"_"`` (never a field key).
    """
    if not isinstance(data, abc.Mapping):
        return {}, {"_": "Données invalides : un objet associant des clés à des valeurs est attendu."}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            value = clean_value(field, _submitted(field, data), ctx)
        except FieldError as error:
            errors[field.key] = error.message
            continue
        if field.required and not partial and (value is None or value is False):
            errors[field.key] = "Cette case doit être cochée." if field.type == "boolean" else MSG_REQUIRED
        else:
            clean[field.id] = value
    return clean, errors
