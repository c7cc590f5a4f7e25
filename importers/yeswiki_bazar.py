"""Bazar forms and lists as the directory's forms and shared choice lists.

Pure module. A Bazar form's template is one field a line, its parts joined
by ``***`` (``texte***bf_titre***Nom***60***255***…``: type, name, label,
sizes, default, …, required at index 8, help at 10, read rights at 11).
:func:`plan_form` turns it into a :class:`FormPlan`: one :class:`Slot` per
field of ours, saying which entry properties it reads and how. Field types:

==============================================  ==========================================
Bazar                                           Lieudit
==============================================  ==========================================
texte, champs_cache / textelong                 text / longtext (YesWiki syntax converted)
liste, radio / checkbox                         choice / multichoice on the shared list
jour, listedatedeb, listedatefin                date; a start and an end date: one schedule
carte_google, map (bf_latitude, bf_longitude)   geometry (a point)
champs_mail / lien_internet                     email (personal data) / url
listefiche, radiofiche, checkboxfiche           link to a record of the linked form
tags                                            multichoice, its choices the tags found
image / fichier                                 image / file (the files are not in a dump)
titre (computed title)                          the title field (``bf_titre``)
labelhtml, bookmarklet, inscriptionliste…       skipped, with a warning
==============================================  ==========================================

A form the entries name but the dump lacks is rebuilt from its entries'
properties (:func:`rebuild_form`). Lists (:func:`choices_of`) get values fit
for our choice keys. Field ids derive from the Bazar form id and the key, so
re-importing updates the same fields.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from importers.yeswiki_source import BazarForm
from importers.yeswiki_source import ChoiceSource
from wiki.records.fields import RESERVED_KEYS

#: Entry properties that are Bazar's own bookkeeping, never values.
INTERNAL = frozenset({"id_typeannonce", "id_fiche", "createur", "date_creation_fiche", "date_maj_fiche",
                      "statut_fiche", "owner", "user", "url", "html_output", "semantic", "antispam", "sendmail",
                      "categorie_fiche", "time", "tag", "geolocation", "carte_google", "bf_latitude",
                      "bf_longitude"})  # fmt: skip
_INTERNAL_SUFFIXES = ("_allday", "_hour", "_minutes")
_INTERNAL_PREFIXES = ("data-", "filename-")
_SKIPPED = frozenset({"labelhtml", "bookmarklet", "inscriptionliste", "mot_de_passe", "acls", "metadatas",
                      "reactions", "tabs", "tabchange", "conditionschecking", "yeswiki_user",
                      "utilisateur_wikini", "calc", "video", "comments", "subscribe"})  # fmt: skip
_SIMPLE = {"texte": "text", "champs_cache": "text", "textelong": "longtext", "lien_internet": "url",
           "champs_mail": "email", "image": "image", "fichier": "file"}  # fmt: skip
_DATES = ("jour", "listedatedeb", "listedatefin")
_ENUMS = {"liste": "choice", "radio": "choice", "checkbox": "multichoice"}
_LINKS = ("listefiche", "radiofiche", "checkboxfiche")
_NAMED = {"bf_titre": "title", "bf_description": "description"}
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class BazarField:
    """One line of a Bazar template: type, name, label, required flag, and all its parts."""

    type: str
    name: str
    label: str
    required: bool
    parts: tuple[str, ...]

    @property
    def property(self) -> str:
        """The key the entries hold this field's value under."""
        if self.type in _ENUMS or self.type in _LINKS:
            return self.type + self.name + self.parts[6]
        if self.type in ("image", "fichier"):
            return self.type + self.name
        return self.name


@dataclass
class Slot:
    """One field of ours: its key, type, what it reads in an entry, and its definition."""

    key: str
    type: str
    sources: tuple[str, ...]
    label: str
    required: bool = False
    help: str = ""
    visibility: str = "public"
    list_name: str = ""  # a choice's Bazar list
    link_form: str = ""  # a link's Bazar form id
    wiki: bool = False  # a long text in YesWiki syntax
    choices: dict[str, str] = field(default_factory=dict)  # tags: value -> label
    tags: dict[str, str] = field(default_factory=dict)  # tags: tag -> value
    longest: int = 0


@dataclass
class FormPlan:
    """What one Bazar form becomes: title, description and fields (with the Bazar id they derive from)."""

    bazar_id: str
    title: str
    description: str
    slots: list[Slot]
    warnings: list[str] = field(default_factory=list)
    rebuilt: bool = False

    @property
    def dated(self) -> bool:
        """Whether the form has a schedule (an agenda can show it)."""
        return any(slot.type == "schedule" for slot in self.slots)

    @property
    def located(self) -> bool:
        """Whether the form has a point (a map can show it)."""
        return any(slot.type == "geometry" for slot in self.slots)

    def fields(self, list_keys: Mapping[str, str], form_keys: Mapping[str, str]) -> list[dict[str, Any]]:
        """Our field definitions, with the keys chosen for the lists and forms they point to."""
        out = []
        for slot in self.slots:
            options: dict[str, Any] = {}
            if slot.type in ("text", "longtext") and slot.longest > (300 if slot.type == "text" else 50_000):
                options["max_length"] = min(slot.longest, 10_000 if slot.type == "text" else 200_000)
            elif slot.list_name:
                options["list"] = list_keys[slot.list_name]
            elif slot.type == "multichoice":
                options["choices"] = [{"value": v, "label": label} for v, label in slot.choices.items()]
            elif slot.type == "geometry":
                options["kinds"] = ["Point"]
            elif slot.type == "link":
                options = {
                    "target": "record",
                    **({"form": form_keys[slot.link_form]} if slot.link_form in form_keys else {}),
                }
            ident = "f_" + hashlib.sha1(f"{self.bazar_id}:{slot.key}".encode()).hexdigest()[:8]
            out.append({"id": ident, "key": slot.key, "type": slot.type, "label": slot.label, "help": slot.help,
                        "required": slot.required, "visibility": slot.visibility,
                        "personal": slot.type == "email", "options": options})  # fmt: skip
        return out


def fold_key(name: str, *, limit: int = 60) -> str:
    """``ListeTypeÉvénement`` → ``liste_type_evenement``: lower case ASCII, words joined by « _ »."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", ascii_name).lower()
    key = re.sub(r"[^a-z0-9]+", "_", spaced).strip("_")[:limit].strip("_")
    return key if key[:1].isalpha() else f"champ_{key}".strip("_")


def _key(name: str, taken: set[str]) -> str:
    key = _NAMED.get(name) or fold_key(name[3:] if name.lower().startswith("bf_") else name)
    key = f"bf_{key}" if key in RESERVED_KEYS else key
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}_{n}", n + 1
    taken.add(unique)
    return unique


def clean_label(raw: str, fallback: str) -> str:
    """A Bazar label (may hold HTML and entities) as one plain line of 200 characters at most."""
    text = " ".join(_TAGS.sub(" ", html.unescape(raw)).split())[:200].strip()
    return text or fallback[:200]


def parse_template(template: str) -> list[BazarField]:
    """The fields of a Bazar template, one a line (blank lines left out)."""
    fields = []
    for line in template.replace("\r", "").split("\n"):
        parts = tuple(part.strip() for part in line.split("***"))
        if len(parts) < 2 or not parts[0]:
            continue
        parts += ("",) * (16 - len(parts))
        label = parts[2] if parts[0] not in ("carte_google", "map") else "Localisation"
        fields.append(BazarField(parts[0].lower(), parts[1], clean_label(label, parts[1]), parts[8] == "1", parts))
    return fields


def _visibility(acl: str) -> str:
    """Bazar read rights (``+`` members, ``@admins``, ``%`` the owner) as our visibility."""
    acl = acl.strip()
    if not acl or "*" in acl:
        return "public"
    return "members" if acl == "+" else "private"


def _schedule(dates: list[BazarField], taken: set[str]) -> Slot | None:
    """A start and an end date field (``bf_date_debut_…``, ``bf_date_fin_…``) as one schedule."""
    starts = [d for d in dates if d.type == "listedatedeb" or "deb" in d.name.lower()]
    ends = [d for d in dates if d.type == "listedatefin" or "fin" in d.name.lower()]
    if len(starts) != 1 or len(ends) != 1 or starts[0] is ends[0]:
        return None
    start, end = starts[0], ends[0]
    return Slot(_key("dates", taken), "schedule", (start.property, end.property), "Date et horaire",
                start.required, f"{start.label} – {end.label}")  # fmt: skip


def _slot(bazar: BazarField, taken: set[str], lists: Mapping[str, ChoiceSource]) -> Slot | None:
    kind = bazar.type

    def slot(name: str, our_type: str, **more: Any) -> Slot:
        """A slot reading this Bazar field's property, with its label, required flag and help."""
        return Slot(_key(name, taken), our_type, (bazar.property,), bazar.label, bazar.required,
                    clean_label(bazar.parts[10], ""), **more)  # fmt: skip

    if kind in _SIMPLE:
        made = slot(bazar.name, _SIMPLE[kind], wiki=kind == "textelong" and bazar.parts[7] in ("", "wiki"))
        made.required = made.required and kind not in ("image", "fichier")  # their files are not imported
        return made
    if kind == "titre":
        return Slot(_key("bf_titre", taken), "text", ("bf_titre",), bazar.label, True)
    if kind in _ENUMS and bazar.name in lists:
        name = bazar.parts[6] or re.sub(r"^liste", "", bazar.name, flags=re.I) or bazar.name
        return slot(name, _ENUMS[kind], list_name=bazar.name)
    if kind in _LINKS:
        return slot(bazar.parts[6] or bazar.label or f"fiche_{bazar.name}", "link", link_form=bazar.name)
    if kind == "tags":
        return slot(bazar.name, "multichoice")
    if kind in ("carte_google", "map"):
        lat, lon = bazar.name or "bf_latitude", bazar.parts[2] or "bf_longitude"
        return Slot(_key("localisation", taken), "geometry", (lat, lon), "Localisation", bazar.required)
    return None


def plan_form(form: BazarForm, lists: Mapping[str, ChoiceSource]) -> FormPlan:
    """What a Bazar form becomes; fields we have no equivalent for are listed in ``warnings``."""
    fields, taken = parse_template(form.template), set[str]()
    plan = FormPlan(form.id, clean_label(form.label, f"Formulaire {form.id}"), html.unescape(form.description), [])
    dates = [f for f in fields if f.type in _DATES]
    schedule = _schedule(dates, taken)
    skipped: list[str] = []
    for bazar in fields:
        if bazar.type in _DATES:
            if schedule is None:
                plan.slots.append(Slot(_key(bazar.name, taken), "date", (bazar.property,), bazar.label, bazar.required))
            elif bazar.property == schedule.sources[0]:
                plan.slots.append(schedule)
            continue
        slot = _slot(bazar, taken, lists)
        if slot is not None:
            slot.visibility = _visibility(bazar.parts[11]) if slot.type != "email" else "public"
            plan.slots.append(slot)
        elif bazar.type in _ENUMS:
            plan.slots.append(Slot(_key(bazar.parts[6] or bazar.name, taken), "text", (bazar.property,),
                                   bazar.label, bazar.required))  # fmt: skip
            plan.warnings.append(f"champ « {bazar.label} » : liste {bazar.name} absente, repris en texte")
        elif bazar.type in _SKIPPED:
            skipped.append(bazar.type)
        else:
            plan.slots.append(Slot(_key(bazar.name, taken), "text", (bazar.property,), bazar.label))
            plan.warnings.append(f"champ « {bazar.label} » de type {bazar.type} inconnu, repris en texte")
    if skipped:
        plan.warnings.append("champs sans équivalent, non repris : " + ", ".join(sorted(set(skipped))))
    _ensure_title(plan, taken)
    return plan


def _ensure_title(plan: FormPlan, taken: set[str]) -> None:
    if not any(slot.key == "title" for slot in plan.slots):
        plan.slots.insert(0, Slot(_key("bf_titre", taken), "text", ("bf_titre",), "Titre", True))


def is_internal(name: str) -> bool:
    """Whether an entry property is Bazar's bookkeeping rather than a value."""
    return name in INTERNAL or name.endswith(_INTERNAL_SUFFIXES) or name.startswith(_INTERNAL_PREFIXES)


def rebuild_form(bazar_id: str, entries: Iterable[Mapping[str, Any]], lists: Mapping[str, ChoiceSource]) -> FormPlan:
    """A form the dump lacks, rebuilt from the properties of its entries."""
    names: dict[str, None] = {}
    for values in entries:
        names.update(dict.fromkeys(values))
    located = any(name in names for name in ("bf_latitude", "carte_google", "geolocation"))
    names = {name: None for name in names if not is_internal(name)}
    taken: set[str] = set()
    plan = FormPlan(bazar_id, f"Formulaire Bazar {bazar_id}", "", [], rebuilt=True)
    found = set(names)
    if {"bf_date_debut_evenement", "bf_date_fin_evenement"} <= found:
        plan.slots.append(Slot(_key("dates", taken), "schedule", ("bf_date_debut_evenement", "bf_date_fin_evenement"),
                               "Date et horaire"))  # fmt: skip
        found -= {"bf_date_debut_evenement", "bf_date_fin_evenement"}
    for name in sorted(found, key=list(names).index):
        enum = re.match(r"(checkbox|liste|radio)(.+)", name)
        if enum and enum.group(2) in lists:
            kind = "multichoice" if enum.group(1) == "checkbox" else "choice"
            plan.slots.append(Slot(_key(enum.group(2), taken), kind, (name,), lists[enum.group(2)].title,
                                   list_name=enum.group(2)))  # fmt: skip
        elif media := re.match(r"(image|fichier)(.+)", name):
            kind = "image" if media.group(1) == "image" else "file"
            plan.slots.append(Slot(_key(media.group(2), taken), kind, (name,), _label_of(media.group(2))))
        else:
            plan.slots.append(Slot(_key(name, taken), "text", (name,), _label_of(name)))
    if located:
        plan.slots.append(Slot(_key("localisation", taken), "geometry", ("bf_latitude", "bf_longitude"),
                               "Localisation"))  # fmt: skip
    _ensure_title(plan, taken)
    return plan


def _label_of(name: str) -> str:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", re.sub(r"^bf_", "", name)).replace("_", " ").strip()
    return (words[:1].upper() + words[1:])[:200] or name[:200]


def choices_of(items: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """A Bazar list's items as choice values of ours: Bazar key -> (value, label)."""
    out: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for key, label in list(items.items())[:1000]:
        ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
        base = re.sub(r"[^a-z0-9_-]+", "-", ascii_key).strip("-_")[:60].strip("-_") or "choix"
        value, n = base, 2
        while value in used:
            value, n = f"{base}-{n}", n + 1
        used.add(value)
        out[key] = (value, clean_label(label, key))
    return out
