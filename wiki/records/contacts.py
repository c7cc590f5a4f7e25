"""Contacts in record values: web addresses, e-mail addresses, phone numbers (HOSTILE_INPUTS B4-38).

Pure module (standard library and :mod:`wiki.records.values` only): no flask,
no sqlalchemy, no other Lieudit module. Cleaners take what volunteers type
(``www.exemple.fr``, ``02 99 71 06 04``) and return one canonical form (an
absolute http(s) URL, a lowercased domain, E.164), or raise
:class:`~wiki.records.values.FieldError` with a short French message.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from wiki.records.values import FieldError

MSG_PHONE = (
    "Numéro de téléphone invalide : 10 chiffres (ex. 02 99 71 06 04) ou format international (+33 2 99 71 06 04)."
)

_URL_FORBIDDEN_RE = re.compile(r"[\s\x00-\x1f\x7f<>\"\\]")
_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):(?![0-9]{1,5}(?:[/?#]|$))")  # "exemple.fr:8080" has no scheme
_BARE_HOST_RE = re.compile(r"[^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,}(?:[:/?#]|$)")
_HOST_RE = re.compile(
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)|localhost|[0-9.]+|\[[0-9a-f:.]+\]"
)
_EMAIL_FORBIDDEN_RE = re.compile(r"[\s\x00-\x1f\x7f<>\"(),;:\[\]\\]")
_DOMAIN_RE = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})")
_PHONE_RE = re.compile(r"\+?[0-9 .()/\u00a0\u202f-]+")
# Overseas departments dial as France (0262 …) but have their own country code.
_OVERSEAS = {"262": "262", "263": "262", "269": "262", "639": "262", "692": "262", "693": "262", "590": "590",
             "690": "590", "691": "590", "594": "594", "694": "594", "596": "596", "696": "596", "697": "596"}  # fmt: skip


def clean_url(raw: Any) -> str:
    """Check a web address: absolute http(s) with a host, no credentials, spaces nor CR/LF, ≤ 2,000 characters.

    ``www.exemple.fr`` (no scheme, as volunteers type it) becomes
    ``https://www.exemple.fr``; ``javascript:``, ``data:``, ``file:`` are refused.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > 2000:
        raise FieldError("Adresse trop longue : 2 000 caractères au plus.")
    if _URL_FORBIDDEN_RE.search(text):
        raise FieldError('Adresse invalide : ni espace, ni retour à la ligne, ni caractères < > " \\.')
    scheme = _SCHEME_RE.match(text)
    if text.startswith("//") or (not scheme and _BARE_HOST_RE.match(text)):
        text = ("https:" if text.startswith("//") else "https://") + text
    elif not scheme or scheme[1].lower() not in ("http", "https"):
        raise FieldError("Seules les adresses web en http:// ou https:// sont acceptées (ex. https://exemple.fr).")
    parts = urllib.parse.urlsplit(text)
    if "@" in parts.netloc:
        raise FieldError("Adresse refusée : elle ne doit contenir ni identifiant ni mot de passe (…@).")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise FieldError("Adresse invalide : numéro de port incorrect.") from None
    if not parts.hostname or not _HOST_RE.fullmatch(parts.hostname):
        raise FieldError("Adresse invalide : nom de domaine manquant ou incorrect (ex. https://exemple.fr).")
    return urllib.parse.urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def clean_email(raw: Any) -> str:
    """Check an e-mail address: one @, a dotted domain, no spaces, CR/LF nor ``<>"``; the domain is lowercased."""
    text = raw.strip() if isinstance(raw, str) else ""
    if text[:7].casefold() == "mailto:":
        text = text[7:]
    if len(text) > 254 or _EMAIL_FORBIDDEN_RE.search(text):
        raise FieldError(
            'Adresse e-mail invalide : 254 caractères au plus, sans espace ni caractère < > " ( ) , ; : [ ] \\.'
        )
    local, _, domain = text.rpartition("@")
    if not local or "@" in local:
        raise FieldError("Adresse e-mail invalide : un seul @ attendu (ex. contact@exemple.fr).")
    if len(local) > 64 or local[0] == "." or local[-1] == "." or ".." in local:
        raise FieldError("Adresse e-mail invalide : partie avant le @ incorrecte.")
    if not _DOMAIN_RE.fullmatch(domain.lower()):
        raise FieldError("Adresse e-mail invalide : domaine incorrect après le @ (ex. exemple.fr).")
    return f"{local}@{domain.lower()}"


def clean_phone(raw: Any) -> str:
    """Normalise a phone number to E.164: ``02 99 71 06 04`` → ``+33299710604``.

    French numbers: 10 digits with any of space, dot, dash, slash, or
    ``+33 (0)2 …``; overseas departments get their own country code (0262 →
    +262262). International numbers: ``+`` or ``00`` then 8 to 15 digits.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > 40 or not _PHONE_RE.fullmatch(text) or "+" in text[1:]:
        raise FieldError(MSG_PHONE)
    digits = re.sub(r"[^0-9]", "", text.replace("(0)", ""))
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if not text.startswith("+") else digits
        if digits.startswith("330") and len(digits) == 12:
            digits = "33" + digits[3:]  # "+33 0 2 99 …": the trunk 0 typed anyway
        if digits.startswith("33") and (len(digits) != 11 or digits[2] == "0"):
            raise FieldError("Numéro français invalide : 9 chiffres après +33 (ex. +33 2 99 71 06 04).")
        if not 8 <= len(digits) <= 15 or digits[0] == "0":
            raise FieldError(MSG_PHONE)
        return f"+{digits}"
    if len(digits) != 10 or digits[0] != "0" or digits[1] == "0":
        raise FieldError(MSG_PHONE)
    return f"+{_OVERSEAS.get(digits[1:4], '33')}{digits[1:]}"


def format_phone(value: str) -> str:
    """Write an E.164 number the French way when it is French: ``+33299710604`` → ``02 99 71 06 04``."""
    for code in ("33", *sorted(set(_OVERSEAS.values()))):
        national = value[1 + len(code) :]
        if (
            value.startswith(f"+{code}")
            and len(national) == 9
            and (code == "33" or _OVERSEAS.get(national[:3]) == code)
        ):
            digits = f"0{national}"
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value
