"""Read the rows of a MySQL dump (``mysqldump``, phpMyAdmin, YesWiki's setup files), one at a time.

Pure module (standard library only). :class:`DumpReader` walks the bytes of a
dump statement by statement without copying them: ``CREATE TABLE`` gives the
columns of the ``INSERT`` s that name none (mysqldump's default), every
``INSERT``/``REPLACE`` row (multi-row statements included) is yielded as a
:class:`Row` keyed by column, any other statement is skipped. Strings follow
MySQL's rules (backslash escapes, doubled quotes, ``_utf8mb4'…'`` and
``_binary`` introducers); each is decoded as UTF-8, or else as cp1252 /
ISO-8859-1 (legacy YesWiki content), and mojibake (UTF-8 read as latin-1, « Ã© »)
is repaired. Functions such as ``now()`` read as None (``md5(…)`` too).

A dump cut in the middle of a row raises :class:`DumpError` with the line
where it stops; one whose last statement only lacks its final ``;`` is read,
with a warning. Tables are named by their suffix (``yeswiki_pages``,
``{{prefix}}pages`` → ``pages``), whatever the prefix.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import NoReturn

from importers.features import FormatError

#: YesWiki's tables, by suffix, with their columns (used when a dump names none).
TABLES: dict[str, tuple[str, ...]] = {
    "pages": ("id", "tag", "time", "body", "body_r", "owner", "user", "latest", "handler", "comment_on"),
    "triples": ("id", "resource", "property", "value"),
    "nature": (
        "bn_id_nature",
        "bn_label_nature",
        "bn_description",
        "bn_condition",
        "bn_sem_context",
        "bn_sem_type",
        "bn_sem_use_template",
        "bn_template",
        "bn_ce_i18n",
        "bn_only_one_entry",
        "bn_only_one_entry_message",
    ),  # fmt: skip
    "users": (
        "name",
        "password",
        "email",
        "motto",
        "revisioncount",
        "changescount",
        "doubleclickedit",
        "signuptime",
        "show_comments",
    ),  # fmt: skip
    "links": ("id", "from_tag", "to_tag"),
    "acls": ("page_tag", "privilege", "list"),
    "referrers": ("id", "page_tag", "referrer", "time"),
}

_SPACE = re.compile(rb"(?:\s++|--(?=\s)[^\n]*+|#[^\n]*+|/\*(?s:.*?)\*/)*+")
_INSERT = re.compile(rb"(?:INSERT|REPLACE)\s++(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE)\s++)*+INTO\s++", re.I)
_CREATE = re.compile(rb"CREATE\s++(?:TEMPORARY\s++)?TABLE\s++(?:IF\s++NOT\s++EXISTS\s++)?", re.I)
_NAME = re.compile(rb"(?:`((?:[^`]|``)++)`|\"([^\"]++)\"|([\w$]++))(?:\s*+\.\s*+(?:`((?:[^`]|``)++)`|([\w$]++)))?")
_VALUES = re.compile(rb"\s*+VALUES?\s*+", re.I)
_QUOTED = re.compile(rb"'((?:[^'\\]++|\\.|'')*+)'|\"((?:[^\"\\]++|\\.|\"\")*+)\"", re.S)
_INTRODUCER = re.compile(rb"(?:_[a-z0-9]++\s*+|[nN](?='))(?=['\"])", re.I)
_NUMBER = re.compile(rb"[-+]?(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][-+]?\d++)?")
_HEX = re.compile(rb"0x([0-9a-fA-F]*+)|[xX]'([0-9a-fA-F]*+)'")
_WORD = re.compile(rb"(NULL|TRUE|FALSE|DEFAULT)\b", re.I)
_CALL = re.compile(rb"[A-Za-z_]\w*+\s*+\(")
# Any other statement, to its ';' (quoted text and comments skipped whole).
_OTHER = re.compile(rb"(?:[^;'\"`/#-]++|'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`[^`]*+`"
                    rb"|/\*(?s:.*?)\*/|--(?=\s)[^\n]*+|#[^\n]*+|[/#-])*+", re.S)  # fmt: skip
_SIMPLE = re.compile(rb"[ \t\r\n]*+(?:'((?:[^'\\]++|\\.|'')*+)'|(-?\d++)(?![\w.])|(NULL)\b)[ \t\r\n]*+([,)])", re.S)
_ESCAPE = re.compile(rb"\\(.)|''|\"\"", re.S)
_ESCAPES = {b"0": b"\0", b"b": b"\b", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"Z": b"\x1a", b"%": b"\\%", b"_": b"\\_"}
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]|â€")


class DumpError(FormatError):
    """The dump cannot be read; ``message`` says where and why, in French."""


@dataclass
class Row:
    """One row of a table: the table's suffix (``pages``), its full name, and its values by column."""

    table: str
    name: str
    values: dict[str, Any]


def table_suffix(name: str) -> str:
    """The YesWiki table a name stands for (``yeswiki_pages`` → ``pages``), or the name itself, lower-cased."""
    lowered = name.lower()
    return next((suffix for suffix in TABLES if lowered.endswith(suffix)), lowered)


def decode(raw: bytes) -> tuple[str, bool]:
    """Decode one string: UTF-8 (mojibake repaired), else cp1252, else ISO-8859-1; and whether it was legacy."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252"), True
        except UnicodeDecodeError:
            return raw.decode("latin-1"), True
    if _MOJIBAKE.search(text):
        try:
            return text.encode("cp1252").decode("utf-8"), True
        except UnicodeError:
            return text, False
    return text, False


def _unescape(raw: bytes, quote: bytes) -> bytes:
    if b"\\" not in raw and quote * 2 not in raw:
        return raw

    def one(match: re.Match[bytes]) -> bytes:
        """The bytes one escape sequence stands for."""
        char = match.group(1)
        if char is None:
            return match.group(0)[:1]
        return _ESCAPES.get(char, char)

    return _ESCAPE.sub(one, raw)


@dataclass
class DumpReader:
    """Walk a dump's statements; :meth:`rows` yields its rows, ``warnings`` says what was skipped."""

    data: bytes
    warnings: list[str] = field(default_factory=list)
    #: Columns of each table created in the dump, by full name.
    columns: dict[str, list[str]] = field(default_factory=dict)
    #: How many strings were decoded from a legacy encoding (or repaired).
    legacy_strings: int = 0
    statements: int = 0

    def rows(self) -> Iterator[Row]:
        """Yield every row of every INSERT, in the dump's order.

        :raises DumpError: the dump stops in the middle of a row, or a statement cannot be read.
        """
        data, pos = self.data, 0
        while True:
            pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr] # always matches
            if pos >= len(data):
                return
            self.statements += 1
            if data.startswith(b";", pos):
                pos += 1
            elif insert := _INSERT.match(data, pos):
                pos = yield from self._insert(insert.end())
            elif create := _CREATE.match(data, pos):
                pos = self._create(create.end())
            else:
                pos = self._skip(pos)

    # --- statements ------------------------------------------------------------------------------

    def _skip(self, pos: int, what: str = "une instruction") -> int:
        end = _OTHER.match(self.data, pos).end()  # type: ignore[union-attr] # always matches
        if self.data.startswith(b";", end):
            return end + 1
        if end < len(self.data):  # a quote opened and never closed
            self._cut(end, what)
        self._unfinished(end, what)
        return end

    def _name(self, pos: int) -> tuple[str, int]:
        match = _NAME.match(self.data, pos)
        if match is None:
            raise self._error(pos, "nom de table attendu")
        parts = [g for g in match.groups() if g is not None]
        return self._text(parts[-1]).replace("``", "`"), match.end()

    def _create(self, pos: int) -> int:
        name, pos = self._name(pos)
        end = self._skip(pos, f"la création de la table {name}")
        # Column definitions start a line (or follow the opening bracket) with a quoted name.
        found = re.findall(rb"(?:^|\(|,)\s*+`((?:[^`]|``)++)`\s++[A-Za-z]", self.data[pos:end], re.M)
        self.columns[name] = [self._text(column) for column in found]
        return end

    def _insert(self, pos: int) -> Generator[Row, None, int]:
        data = self.data
        name, pos = self._name(pos)
        pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
        columns = self.columns.get(name) or list(TABLES.get(table_suffix(name), ()))
        if data.startswith(b"(", pos):
            columns, pos = self._column_list(pos + 1)
        values = _VALUES.match(data, pos)
        if values is None:
            self.warnings.append(f"Instruction INSERT de la table {name} sans VALUES : ignorée.")
            return self._skip(pos)
        pos, suffix, number = values.end(), table_suffix(name), 0
        while True:
            pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
            if not data.startswith(b"(", pos):
                raise self._error(pos, f"ligne de la table {name} attendue")
            start = pos
            row, pos = self._tuple(pos + 1, name)
            number += 1
            if columns and len(row) != len(columns):
                self.warnings.append(f"Table {name}, ligne {number} : {len(row)} valeurs pour {len(columns)} "
                                     "colonnes, ignorée.")  # fmt: skip
            elif not columns:
                raise self._error(start, f"colonnes de la table {name} inconnues (ni liste ni CREATE TABLE)")
            else:
                yield Row(suffix, name, dict(zip(columns, row, strict=True)))
            pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
            if data.startswith(b",", pos):
                pos += 1
                if _SPACE.match(data, pos).end() >= len(data):  # type: ignore[union-attr]
                    self._unfinished(pos, f"l'insertion dans la table {name}")
                    return len(data)
            elif data.startswith(b";", pos):
                return pos + 1
            elif pos >= len(data):
                self._unfinished(pos, f"l'insertion dans la table {name}")
                return pos
            else:
                raise self._error(pos, f"« , » ou « ; » attendu après une ligne de la table {name}")

    def _column_list(self, pos: int) -> tuple[list[str], int]:
        end = self.data.find(b")", pos)
        if end < 0:
            self._cut(pos, "une liste de colonnes")
        names = re.findall(rb"`((?:[^`]|``)++)`|([\w$]++)", self.data[pos:end])
        return [self._text(quoted or bare) for quoted, bare in names], end + 1

    # --- values ----------------------------------------------------------------------------------

    def _tuple(self, pos: int, name: str) -> tuple[list[Any], int]:
        data, row = self.data, list[Any]()
        while True:
            if simple := _SIMPLE.match(data, pos):  # the usual value: a string, an integer or NULL
                quoted, number, _null, after = simple.groups()
                text = self._text(_unescape(quoted, b"'")) if quoted is not None else None
                row.append(text if quoted is not None else int(number) if number is not None else None)
                if after == b")":
                    return row, simple.end()
                pos = simple.end()
                continue
            pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
            if data.startswith(b")", pos) and not row:
                return row, pos + 1
            value, pos = self._value(pos, name)
            row.append(value)
            pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
            if data.startswith(b",", pos):
                pos += 1
            elif data.startswith(b")", pos):
                return row, pos + 1
            elif pos >= len(data):
                self._cut(pos, f"une ligne de la table {name}")
            else:
                raise self._error(pos, f"« , » ou « ) » attendu dans une ligne de la table {name}")

    def _value(self, pos: int, name: str) -> tuple[Any, int]:
        data = self.data
        if introducer := _INTRODUCER.match(data, pos):
            pos = introducer.end()
        if data[pos : pos + 1] in (b"'", b'"'):
            match = _QUOTED.match(data, pos)
            if match is None:
                self._cut(pos, f"une valeur de la table {name}")
            quote = data[pos : pos + 1]
            raw = match.group(1) if match.group(1) is not None else match.group(2)
            return self._text(_unescape(raw, quote)), match.end()
        if hexa := _HEX.match(data, pos):
            digits = hexa.group(1) if hexa.group(1) is not None else hexa.group(2)
            return self._text(
                bytes.fromhex(digits.decode() if len(digits) % 2 == 0 else "0" + digits.decode())
            ), hexa.end()
        if number := _NUMBER.match(data, pos):
            text = number.group(0).decode()
            return (float(text) if any(c in text for c in ".eE") else int(text)), number.end()
        if word := _WORD.match(data, pos):
            return {b"TRUE": 1, b"FALSE": 0}.get(word.group(1).upper()), word.end()
        if _CALL.match(data, pos):
            return None, self._call_end(pos, name)
        if pos >= len(data):
            self._cut(pos, f"une ligne de la table {name}")
        raise self._error(pos, f"valeur illisible dans la table {name}")

    def _call_end(self, pos: int, name: str) -> int:
        """Skip a function call (``now()``, ``md5('…')``), nested brackets and strings included."""
        data, depth = self.data, 0
        pos = data.index(b"(", pos)
        while pos < len(data):
            char = data[pos : pos + 1]
            if char in (b"'", b'"'):
                match = _QUOTED.match(data, pos)
                if match is None:
                    break
                pos = match.end()
                continue
            depth += {b"(": 1, b")": -1}.get(char, 0)
            pos += 1
            if depth == 0:
                return pos
        self._cut(pos, f"une valeur de la table {name}")

    def _text(self, raw: bytes) -> str:
        text, legacy = decode(raw)
        self.legacy_strings += legacy
        return text

    # --- errors ----------------------------------------------------------------------------------

    def _line(self, pos: int) -> int:
        return self.data.count(b"\n", 0, min(pos, len(self.data))) + 1

    def _error(self, pos: int, what: str) -> DumpError:
        excerpt = self.data[pos : pos + 40].decode("utf-8", "replace").split("\n")[0]
        return DumpError(f"Dump SQL illisible, ligne {self._line(pos)} : {what} (« {excerpt} »).")

    def _unfinished(self, pos: int, what: str) -> None:
        """The dump ends after a whole row (or statement) but without its ';': read, with a warning."""
        self.warnings.append(f"Le dump se termine sans « ; » après {what} (ligne {self._line(pos)}) : "
                             "les lignes complètes sont reprises, vérifiez qu'il n'a pas été coupé.")  # fmt: skip

    def _cut(self, pos: int, what: str) -> NoReturn:
        """The dump stops in the middle of something: refused."""
        raise DumpError(f"Dump SQL tronqué : il s'arrête au milieu d'{what} (ligne {self._line(pos)}). "
                        "Exportez de nouveau la base en entier.")  # fmt: skip
