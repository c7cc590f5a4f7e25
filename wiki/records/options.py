"""The options of a field definition, checked per field type (HOSTILE_INPUTS B4-33, B4-34).

Pure module: it must not import flask, sqlalchemy nor any Lieudit module but
:mod:`wiki.records.values`, :mod:`geodata.fields` and :mod:`geodata.levels`. Each type accepts a
known set of options (a text's ``max_length``, a number's bounds and unit, a
choice's inline ``choices`` or shared ``list``…), each with its own checker;
:func:`check_options` returns them normalised with every problem found, in
French, for :mod:`wiki.records.schema` to name the field. Shared choice lists
are checked like inline ones (:func:`check_choices`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import abc
from typing import Any

import geodata.fields as geo
from geodata import levels
from wiki.records import values
from wiki.records.values import KEY_RE
from wiki.records.values import FieldError

#: Levels of the zones a zone field may accept, by code (:mod:`geodata.levels`).
ZONE_LEVELS = levels.LEVELS

_CHOICE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


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
    return values.parse_number(raw)


def _unit_option(raw: Any) -> str:
    if not isinstance(raw, str) or len(raw.strip()) > 20 or values.UNSAFE_RE.search(raw):
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
    return values.parse_date(raw if isinstance(raw, str) else None).isoformat()


def _datetime_option(raw: Any) -> str:
    values.parse_datetime(raw if isinstance(raw, str) else None, "Europe/Paris")
    return raw.strip()


def check_choices(raw: Any, limit: int = 500) -> list[dict[str, str]]:
    """Check a list of ``{"value", "label"}`` choices and return it normalised (labels NFC, stripped).

    :raises FieldError: with the first problem found.
    """
    if not isinstance(raw, (list, tuple)) or not 0 < len(raw) <= limit:
        raise FieldError(f"liste de 1 à {limit} choix attendue")
    choices: dict[str, str] = {}
    for item in raw:
        if not isinstance(item, abc.Mapping) or set(item) != {"value", "label"}:
            raise FieldError("chaque choix a exactement une valeur (« value ») et un libellé (« label »)")
        value, label = item["value"], item["label"]
        if not isinstance(value, str) or not _CHOICE_RE.fullmatch(value):
            raise FieldError(f"valeur de choix {values.quote(value)} invalide (minuscules, chiffres, « - » et « _ »)")
        if not isinstance(label, str) or not 0 < len(label.strip()) <= 200 or values.UNSAFE_RE.search(label):
            raise FieldError(f"libellé du choix « {value} » invalide (1 à 200 caractères)")
        if value in choices:
            raise FieldError(f"valeur de choix « {value} » en double")
        choices[value] = unicodedata.normalize("NFC", label.strip())
    return [{"value": value, "label": label} for value, label in choices.items()]


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
    "choice": {"list": _key_option, "choices": check_choices},
    "multichoice": {"list": _key_option, "choices": check_choices, "max_items": _int_option(1, 500)},
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


def check_options(kind: str, raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Return the normalised options of a field of type ``kind``, and the problems found."""
    if raw is None:
        return {}, []
    if not isinstance(raw, abc.Mapping):
        return {}, ["les options doivent être un objet"]
    specs, options, problems = _OPTIONS[kind], {}, []
    for name, value in raw.items():
        if name not in specs:
            problems.append(f"option inconnue {values.quote(name)}")
        elif value is not None:
            try:
                options[name] = specs[name](value)
            except FieldError as error:
                problems.append(f"option « {name} » : {error.message[0].lower()}{error.message[1:].rstrip('.')}")
    if problems:
        return options, problems
    low, high = options.get("min"), options.get("max")
    if kind == "datetime" and low and high:
        low, high = (values.parse_datetime(v, "Europe/Paris") for v in (low, high))
    if low is not None and high is not None and low > high:
        problems.append("le minimum dépasse le maximum")
    if kind in ("choice", "multichoice") and ("list" in options) == ("choices" in options):
        problems.append("indiquez soit une liste partagée (« list »), soit des choix (« choices »), pas les deux")
    chosen = set(options.get("levels", ()))
    problems.extend(dict.fromkeys(message for a, b, message in levels.CLASHING if {a, b} <= chosen))
    if options.get("form") and options.get("target", "record") != "record":
        problems.append("« form » ne s'emploie qu'avec une fiche liée")
    return options, problems
