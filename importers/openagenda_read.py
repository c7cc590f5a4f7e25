"""Read an OpenAgenda JSON export into agenda events, event by event (pure: no Flask, no database).

Accepted: the API v2 answer for an agenda's events (``{"events": [...],
"total": …}``), one event (``{"event": {...}}`` or the bare object), and a
list of events. An agenda's description, a location or an API error message
is refused whole, with a message saying what the file is.

Each event becomes an :class:`OpenAgendaEvent`: values in French
(multilingual fields take ``fr``, else the first language given), its
``timings`` as one schedule (:func:`importers.openagenda_timings.plan_timings`),
its location (address text, a WGS 84 point, the INSEE code), keywords, the
registration link, and its other useful properties as "autres propriétés"
(``extra``): source page on openagenda.com, agenda of origin, image, ages,
accessibility… The contributor (``member``) is personal data and never read.
Private events, drafts and events refused by their agenda's moderators are
refused; events awaiting moderation are imported « en attente ».
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import TypeGuard

from importers.features import FormatError
from importers.features import load_json
from importers.openagenda_timings import Plan
from importers.openagenda_timings import TimingsRefused
from importers.openagenda_timings import plan_timings
from wiki.records.contacts import clean_url
from wiki.records.values import UNSAFE_RE
from wiki.records.values import FieldError
from wiki.records.values import get_zone

MAX_EVENTS = 20_000
SITE = "https://openagenda.com"
DEFAULT_ZONE = "Europe/Paris"
TITLE_MAX = 200
DESCRIPTION_MAX = 50_000
#: OpenAgenda's event ``status``: 1 is « programmé » (nothing to say), 6 « annulé » cancels every date.
STATUS = {2: "reprogrammé", 3: "déplacé en ligne", 4: "reporté", 5: "complet", 6: "annulé"}
CANCELLED = 6
ATTENDANCE = {1: "sur place", 2: "en ligne", 3: "sur place et en ligne"}
ACCESSIBILITY = {"hi": "handicap auditif", "vi": "handicap visuel", "pi": "handicap moteur",
                 "mi": "handicap psychique", "ii": "handicap intellectuel"}  # fmt: skip


@dataclass
class OpenAgendaEvent:
    """One importable event: agenda UID, record values, dates, location, keywords and other properties."""

    uid: str
    remote_id: str
    ref: str
    values: dict[str, Any]
    plan: Plan
    status: str = "published"
    cancelled: list[str] = field(default_factory=list)
    point: dict[str, Any] | None = None
    insee: str | None = None
    keywords: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Export:
    """What a file gives: the events, and those refused (ref, French reason)."""

    events: list[OpenAgendaEvent] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


class EventRefused(Exception):
    """This event is not imported; ``str()`` says why, in French."""


def text(raw: Any, *, one_line: bool = True) -> str:
    """A multilingual value (``{"fr": …, "en": …}``) in French, else its first language; control characters out."""
    if isinstance(raw, dict):
        raw = raw.get("fr") or next((v for v in raw.values() if isinstance(v, str) and v.strip()), "")
    value = UNSAFE_RE.sub("", raw if isinstance(raw, str) else "").replace("\r\n", "\n").strip()
    return " ".join(value.split()) if one_line else value


def _dict(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _words(raw: Any) -> list[str]:
    if isinstance(raw, dict):
        raw = raw.get("fr") or next((v for v in raw.values() if isinstance(v, list) and v), [])
    words = raw if isinstance(raw, list) else raw.split(",") if isinstance(raw, str) else []
    return list(dict.fromkeys(w for w in (text(x) for x in words) if w))[:50]


def _events_of(obj: Any) -> list[Any]:
    """The raw events of a file, or FormatError saying what the file is instead."""
    if isinstance(obj, list):
        return obj
    if not isinstance(obj, dict):
        raise FormatError("Export OpenAgenda invalide : un objet JSON (« events » ou « event ») est attendu.")
    if isinstance(obj.get("events"), list):
        return list(obj["events"])
    if isinstance(obj.get("event"), dict):
        return [obj["event"]]
    if "timings" in obj:
        return [obj]
    agenda = _dict(obj.get("agenda")) or obj
    if {"slug", "title"} <= set(agenda) and ("summary" in agenda or "settings" in agenda or "official" in agenda):
        raise FormatError(f"Ce fichier décrit un agenda OpenAgenda (« {text(agenda['title'])[:80]} »), pas ses "
                          "événements : exportez ses événements (API /v2/agendas/UID/events, ou export JSON).")  # fmt: skip
    if isinstance(obj.get("location"), dict):
        raise FormatError(f"Ce fichier décrit un lieu OpenAgenda (« {text(obj['location'].get('name'))[:80]} »), "
                          "pas des événements : importez les événements qui s'y tiennent.")  # fmt: skip
    if isinstance(obj.get("message"), str):
        raise FormatError(
            f"Ce fichier est une réponse d'erreur de l'API OpenAgenda : « {text(obj['message'])[:120]} »."
        )
    raise FormatError("Ce fichier JSON n'est pas un export d'événements OpenAgenda (ni « events » ni « event »).")


def events_from_openagenda(data: bytes, *, max_events: int = MAX_EVENTS) -> Export:
    """Read every event of an OpenAgenda JSON export; refused events are listed with their reason.

    :raises FormatError: not JSON, not an export of events (an agenda, a location…), or too many events.
    """
    raw_events = _events_of(load_json(data))
    if len(raw_events) > max_events:
        raise FormatError(f"Trop d'événements dans ce fichier : {max_events} au plus.")
    export = Export()
    seen: set[str] = set()
    for number, raw in enumerate(raw_events, 1):
        ref = f"événement n° {number}"
        try:
            if not isinstance(raw, dict):
                raise EventRefused("objet JSON attendu.")
            event = _event(raw, number)
            if event.remote_id in seen:
                raise EventRefused(f"uid {event.remote_id} en double dans le fichier : seul le premier est importé.")
            seen.add(event.remote_id)
            export.events.append(event)
        except EventRefused as refused:
            export.errors.append((ref if not isinstance(raw, dict) else _ref(raw, number), str(refused)))
    return export


def _ref(raw: dict[str, Any], number: int) -> str:
    title = text(raw.get("title"))[:60]
    uid = raw.get("uid")
    return f"OpenAgenda {uid}" + (f" « {title} »" if title else "") if uid else f"événement n° {number}"


def _uid(raw: dict[str, Any]) -> str:
    uid = raw.get("uid")
    if isinstance(uid, bool) or not isinstance(uid, (int, str)) or not str(uid).strip().isalnum() or len(str(uid)) > 60:
        raise EventRefused("événement sans identifiant OpenAgenda (uid) : non importé.")
    return str(uid).strip()


def _state(raw: dict[str, Any], warnings: list[str]) -> str:
    if raw.get("private"):
        raise EventRefused("événement privé sur OpenAgenda (visible des seuls membres de son agenda) : non importé.")
    if raw.get("draft"):
        raise EventRefused("brouillon sur OpenAgenda : non importé.")
    state = raw.get("state")
    if state == -1:
        raise EventRefused("refusé par les modérateurs de son agenda OpenAgenda : non importé.")
    if state in (0, 1):
        warnings.append("pas encore publié sur OpenAgenda : importé « en attente » de modération.")
        return "pending"
    return "published"


def _zone(raw: dict[str, Any], location: dict[str, Any], warnings: list[str]) -> str:
    name = raw.get("timezone") or location.get("timezone") or DEFAULT_ZONE
    try:
        return get_zone(name).key
    except (FieldError, TypeError):
        warnings.append(f"Fuseau horaire « {str(name)[:40]} » inconnu : heures lues en {DEFAULT_ZONE}.")
        return DEFAULT_ZONE


def _page(raw: dict[str, Any], uid: str) -> str | None:
    """The event's page on openagenda.com."""
    agenda = _dict(raw.get("originAgenda"))
    slug, agenda_slug = raw.get("slug"), agenda.get("slug")
    if all(isinstance(s, str) and s.replace("-", "").replace("_", "").isalnum() for s in (slug, agenda_slug)):
        return f"{SITE}/{agenda_slug}/events/{slug}"
    agenda_uid = agenda.get("uid") or raw.get("agendaUid")
    return f"{SITE}/agendas/{agenda_uid}/events/{uid}" if str(agenda_uid or "").isdigit() else None


def _url(raw: Any, warnings: list[str], what: str) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return clean_url(raw)
    except FieldError as error:
        warnings.append(f"{what} ignorée : {error.message}")
        return None


def _image(raw: dict[str, Any]) -> str | None:
    image = raw.get("image")
    if isinstance(image, dict) and isinstance(image.get("base"), str) and isinstance(image.get("filename"), str):
        return image["base"] + image["filename"]
    return image if isinstance(image, str) else None


def _location(raw: dict[str, Any]) -> dict[str, Any]:
    location = raw.get("location")
    if isinstance(location, dict):
        return location
    flat = {"name": raw.get("locationName"), "address": raw.get("address"), "city": raw.get("city"),
            "postalCode": raw.get("postalCode"), "latitude": raw.get("latitude"), "longitude": raw.get("longitude"),
            "insee": raw.get("insee")}  # fmt: skip
    return {k: v for k, v in flat.items() if v is not None}


def _address(location: dict[str, Any]) -> str:
    name, address = text(location.get("name")), text(location.get("address"))
    place = " ".join(p for p in (text(str(location.get("postalCode") or "")), text(location.get("city"))) if p)
    parts = [name] if name and name not in address else []
    parts += [address] if address else []
    if place and place not in address:
        parts.append(place)
    return ", ".join(parts)[:300]


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _point(location: dict[str, Any], warnings: list[str]) -> dict[str, Any] | None:
    lat, lon = location.get("latitude"), location.get("longitude")
    if lat is None and lon is None:
        return None
    if not (_number(lat) and _number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        warnings.append("Coordonnées du lieu illisibles : point non placé sur la carte.")
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def _description(raw: dict[str, Any]) -> str:
    short, long = text(raw.get("description"), one_line=False), text(raw.get("longDescription"), one_line=False)
    conditions = text(raw.get("conditions"))
    parts = [short] if short and short not in long else []
    parts += [long] if long else []
    parts += [f"Conditions : {conditions}"] if conditions else []
    return "\n\n".join(parts)


def _extra(raw: dict[str, Any], uid: str, page: str | None, keywords: list[str]) -> dict[str, Any]:
    """The event's other properties, as the record's « autres propriétés » (the contributor never)."""
    agenda = _dict(raw.get("originAgenda"))
    age = _dict(raw.get("age"))
    ages = [a for a in (age.get("min"), age.get("max")) if isinstance(a, int) and not isinstance(a, bool)]
    flags = _dict(raw.get("accessibility"))
    extra: dict[str, Any] = {
        "Source": page,
        "Identifiant OpenAgenda": uid,
        "Agenda d'origine": text(agenda.get("title")),
        "Image": _image(raw),
        "Crédits de l'image": text(raw.get("imageCredits")),
        "Mots-clés": ", ".join(keywords),
        "Âge": f"de {ages[0]} à {ages[1]} ans" if len(ages) == 2 else f"{ages[0]} ans" if ages else "",
        "Accessibilité": ", ".join(label for key, label in ACCESSIBILITY.items() if flags.get(key) is True),
        "Participation": ATTENDANCE.get(mode, "") if isinstance(mode := raw.get("attendanceMode"), int) and mode != 1 else "",
        "Lien pour participer en ligne": raw.get("onlineAccessLink") if isinstance(raw.get("onlineAccessLink"), str) else "",
        "Statut sur OpenAgenda": STATUS.get(status, "") if isinstance(status := raw.get("status"), int) else "",
    }  # fmt: skip
    return {key: value for key, value in extra.items() if value not in (None, "")}


def _event(raw: dict[str, Any], number: int) -> OpenAgendaEvent:
    uid, warnings = _uid(raw), list[str]()
    status = _state(raw, warnings)
    location = _location(raw)
    title = text(raw.get("title"))
    if not title:
        title = "(sans titre)"
        warnings.append("Titre absent : « (sans titre) ».")
    elif len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
        warnings.append(f"Titre tronqué à {TITLE_MAX} caractères.")
    description = _description(raw)
    if len(description) > DESCRIPTION_MAX:
        description = description[:DESCRIPTION_MAX]
        warnings.append(f"Description tronquée à {DESCRIPTION_MAX} caractères.")
    try:
        plan = plan_timings(raw.get("timings"), _zone(raw, location, warnings))
    except TimingsRefused as refused:
        raise EventRefused(refused.message) from None
    except FieldError as error:
        raise EventRefused(f"Dates refusées : {error.message}") from None
    page = _page(raw, uid)
    registration = raw["registration"] if isinstance(raw.get("registration"), list) else []
    links = [r.get("value") for r in registration if isinstance(r, dict) and r.get("type") == "link"]
    if any(isinstance(r, dict) and r.get("type") in ("email", "phone") for r in registration):
        warnings.append("Courriel ou téléphone d'inscription non repris (coordonnées personnelles possibles).")
    url = next((u for u in (_url(link, warnings, "Adresse d'inscription") for link in links) if u), None)
    keywords = _words(raw.get("keywords"))
    values = {"title": title, "description": description, "location": _address(location),
              "url": url or page, "schedule": plan.schedule}  # fmt: skip
    cancelled = list(plan.keys) if raw.get("status") == CANCELLED else []
    if cancelled:
        warnings.append("Annulé sur OpenAgenda : toutes ses dates sont marquées annulées.")
    insee = str(location.get("insee") or "").strip().upper()
    return OpenAgendaEvent(f"{uid}@openagenda.com", uid, _ref(raw, number), values, plan, status, cancelled,
                           _point(location, warnings), insee if len(insee) == 5 and insee.isalnum() else None,
                           keywords, _extra(raw, uid, page, keywords), plan.warnings + warnings)  # fmt: skip
