"""Read a MediaWiki XML export (Special:Export, dumpBackup.php) one page at a time, in bounded memory.

Pure module (standard library and defusedxml). :func:`read_dump` streams the
file through defusedxml's SAX parser, chunk by chunk, and yields each
``<page>`` as soon as its ``</page>`` is read, with every revision it holds:
only one page is ever in memory, whatever the size of the dump (``.xml``,
``.xml.gz`` or ``.xml.bz2``). Export schemas 0.3 to 0.11 share these
elements; a revision's main slot is its ``<text>``, or, in multi-slot
revisions, the ``<content>`` whose ``<role>`` is ``main``.

DTDs, entities and external references are refused (no XXE, no entity
bomb). A text longer than :data:`MAX_TEXT_CHARS` is not kept (the revision
says ``too_long``). A file that is not well-formed XML, or not a MediaWiki
export, raises :class:`DumpError`, whose French message gives the line and
column (counted from 1) where reading stopped.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import IO
from typing import Any
from typing import cast
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl
from xml.sax.xmlreader import Locator

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

#: Longest revision text kept, in characters (the wiki refuses bodies over 1 MB anyway).
MAX_TEXT_CHARS = 2_000_000
#: Longest other value kept (titles, names, comments…), in characters.
MAX_VALUE_CHARS = 10_000
CHUNK = 1 << 16
#: Expat's messages, in French.
FRENCH = {
    "mismatched tag": "balise fermante qui ne correspond pas à la dernière balise ouverte",
    "no element found": "le fichier s'arrête avant la fin du document (élément non fermé, ou fichier vide)",
    "not well-formed (invalid token)": "caractère ou balise invalide",
    "unclosed token": "balise ou texte non terminé",
    "undefined entity": "entité non définie",
    "junk after document element": "du contenu suit la fin du document",
    "syntax error": "ce n'est pas du XML",
    "unbound prefix": "préfixe d'espace de noms non déclaré",
    "duplicate attribute": "attribut en double",
    "XML or text declaration not at start of entity": "déclaration XML ailleurs qu'au début du fichier",
    "unknown encoding": "encodage inconnu",
    "encoding specified in XML declaration is incorrect": "l'encodage déclaré n'est pas celui du fichier",
    "reference to invalid character number": "référence à un caractère interdit",
}
#: (parent, element) pairs whose text is read.
_FIELDS = {("siteinfo", "sitename"), ("siteinfo", "dbname"), ("siteinfo", "base"), ("namespaces", "namespace"),
           ("page", "title"), ("page", "ns"), ("page", "id"), ("revision", "id"), ("revision", "timestamp"),
           ("revision", "comment"), ("revision", "text"), ("revision", "model"), ("contributor", "username"),
           ("contributor", "ip"), ("content", "role"), ("content", "text"), ("content", "model")}  # fmt: skip


class DumpError(Exception):
    """The file cannot be read as a MediaWiki export: ``message`` in French, ``line`` and ``column`` from 1 (0: unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        where = f"ligne {line}, colonne {column} : " if column else f"ligne {line} : " if line else ""
        super().__init__(f"{where}{message}")
        self.message, self.line, self.column = str(self), line, column


@dataclass
class SiteInfo:
    """The source wiki: its name, database name, main page address, and namespace names by number."""

    sitename: str = ""
    dbname: str = ""
    base: str = ""
    namespaces: dict[int, str] = field(default_factory=dict)
    version: str = ""


@dataclass
class Revision:
    """One revision: ``author`` is the user name, "" for an IP or a hidden name (``anonymous``)."""

    id: str = ""
    timestamp: str = ""
    author: str = ""
    anonymous: bool = False
    comment: str = ""
    text: str | None = None
    model: str = "wikitext"
    hidden: bool = False
    too_long: bool = False
    other_slots: int = 0


@dataclass
class DumpPage:
    """One page, its namespace number, page id, redirect target (``<redirect title>``) and revisions."""

    title: str = ""
    ns: int = 0
    id: str = ""
    redirect: str | None = None
    revisions: list[Revision] = field(default_factory=list)


class _Handler(ContentHandler):
    """Builds one page at a time from SAX events; done pages wait in ``pages``."""

    def __init__(self, site: SiteInfo) -> None:
        super().__init__()
        self.site, self.pages = site, list[DumpPage]()
        self.stack: list[str] = []
        self.page: DumpPage | None = None
        self.revision: Revision | None = None
        self.slot: dict[str, str] = {}
        self.buffer: list[str] | None = None
        self.size = 0
        self.limit = MAX_VALUE_CHARS
        self.attributes: dict[str, str] = {}
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 - SAX's name
        """Keep the parser's position, for the root element's refusal."""
        self.locator = locator

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802 - SAX's name
        """Open an element: a page, a revision, a slot, or a value to read."""
        name = name.rpartition(":")[2]
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        if not parent:
            if name != "mediawiki":
                line = self.locator.getLineNumber() if self.locator else 1
                raise DumpError(f"ce fichier XML n'est pas un export MediaWiki (élément racine « {name} »).", line or 1)
            self.site.version = attrs.get("version", "")
        elif name == "page":
            self.page = DumpPage()
        elif name == "revision" and self.page is not None:
            self.revision = Revision()
        elif name == "content":
            self.slot = {}
        elif name == "redirect" and parent == "page" and self.page is not None:
            self.page.redirect = attrs.get("title") or None
        elif name == "contributor" and self.revision is not None and attrs.get("deleted"):
            self.revision.anonymous = True
        if (parent, name) in _FIELDS:
            self.buffer, self.size = [], 0
            self.limit = MAX_TEXT_CHARS if name == "text" else MAX_VALUE_CHARS
            self.attributes = dict(attrs)

    def characters(self, content: str) -> None:
        """Keep the text of a value being read, up to its limit."""
        if self.buffer is not None:
            self.size += len(content)
            if self.size <= self.limit:
                self.buffer.append(content)

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX's name
        """Close an element: store the value read, or hand over a finished page."""
        name = self.stack.pop().rpartition(":")[2]
        parent = self.stack[-1] if self.stack else ""
        if self.buffer is not None and (parent, name) in _FIELDS:
            value, too_long = "".join(self.buffer), self.size > self.limit
            self.buffer = None
            self._store(parent, name, value, too_long)
        elif name == "content" and self.revision is not None:
            if self.slot.get("role", "main") == "main":
                revision, slot = self.revision, self.slot
                revision.too_long, revision.hidden = "too_long" in slot, "hidden" in slot
                revision.text = None if revision.too_long or revision.hidden else slot.get("text")
                revision.model = slot.get("model", revision.model)
            else:
                self.revision.other_slots += 1
        elif name == "revision" and self.page is not None and self.revision is not None:
            self.page.revisions.append(self.revision)
            self.revision = None
        elif name == "page" and self.page is not None:
            self.pages.append(self.page)
            self.page = None

    def _store(self, parent: str, name: str, value: str, too_long: bool) -> None:
        page, revision, deleted = self.page, self.revision, bool(self.attributes.get("deleted"))
        if parent == "siteinfo":
            setattr(self.site, name, value.strip())
        elif parent == "namespaces":
            key = self.attributes.get("key", "")
            if key.lstrip("-").isdigit():
                self.site.namespaces[int(key)] = value.strip()
        elif parent == "page" and page is not None:
            if name == "ns":
                page.ns = int(value) if value.strip().lstrip("-").isdigit() else 0
            else:
                setattr(page, name, value.strip())
        elif parent == "content":
            self.slot[name] = value.strip() if name != "text" else value
            if name == "text" and (too_long or deleted):
                self.slot["too_long" if too_long else "hidden"] = "1"
        elif parent == "contributor" and revision is not None:
            revision.author, revision.anonymous = (value.strip(), False) if name == "username" else ("", True)
        elif revision is not None:
            if name == "text":
                revision.text = None if too_long or deleted else value
                revision.too_long, revision.hidden = too_long, deleted
            else:
                setattr(revision, name, value.strip() if name != "comment" else value)


#: What :func:`read_dump` reads: the file's bytes, its path, or a binary stream.
Source = bytes | str | os.PathLike[str] | IO[bytes]


def _opened(source: Source) -> IO[bytes]:
    """A binary stream over ``source``."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")  # noqa: SIM115 - closed by read_dump
    return source


def _decompressed(stream: IO[bytes]) -> IO[bytes]:
    """``stream`` itself, or what it holds when it is gzip or bzip2 compressed."""
    head = stream.read(3)
    stream.seek(0)
    if head[:2] == b"\x1f\x8b":
        return cast(IO[bytes], gzip.GzipFile(fileobj=stream))
    if head == b"BZh":
        return cast(IO[bytes], bz2.BZ2File(stream))
    return stream


class _Parser(DefusedExpatParser):
    """defusedxml's SAX parser, handing over each text in one piece rather than line by line."""

    def reset(self) -> None:
        """Create the expat parser (SAX calls this before the first chunk), with its text buffered."""
        super().reset()
        expat = self._parser  # type: ignore[attr-defined]  # ExpatParser's, missing from its stubs
        expat.buffer_text = True  # one characters() call per text node and chunk, not per line
        expat.buffer_size = CHUNK


def read_dump(source: Source, site: SiteInfo | None = None) -> Iterator[DumpPage]:
    """Yield each page of the export as soon as it is read; ``site`` is filled from ``<siteinfo>``.

    :raises DumpError: not well-formed XML, a DTD or an entity, or not a MediaWiki export.
    """
    handler = _Handler(site if site is not None else SiteInfo())
    parser = _Parser(forbid_dtd=True)
    parser.setContentHandler(handler)
    raw = _opened(source)
    stream = _decompressed(raw)
    try:
        chunk = _read(stream)
        if not chunk.strip():
            raise DumpError("le fichier est vide.", 1, 1)
        while chunk:
            _feed(parser, chunk)
            yield from handler.pages
            handler.pages.clear()
            chunk = _read(stream)
        _feed(parser, b"", close=True)
        yield from handler.pages
    finally:
        stream.close()
        raw.close()


def _read(stream: IO[bytes]) -> bytes:
    try:
        return stream.read(CHUNK)
    except (OSError, EOFError) as error:  # a truncated or corrupt .gz / .bz2
        raise DumpError(f"archive compressée illisible ({error}).") from error


def _feed(parser: DefusedExpatParser, chunk: bytes, close: bool = False) -> None:
    """Parse one chunk, turning every failure into a :class:`DumpError` at its position."""
    try:
        parser.close() if close else parser.feed(chunk)
    except SAXParseException as error:
        message = error.getMessage()
        line, column = error.getLineNumber() or 0, (error.getColumnNumber() or 0) + 1
        raise DumpError(FRENCH.get(message, message) + ".", line, column) from None
    except DefusedXmlException as error:
        reason = "une DTD (<!DOCTYPE>)" if "DTD" in type(error).__name__ else "une entité ou une référence externe"
        raise DumpError(f"le fichier contient {reason}, refusée par sécurité.", *_position(parser)) from None
    except DumpError as error:
        if error.line:
            raise
        raise DumpError(error.message, *_position(parser)) from None


def _position(parser: Any) -> tuple[int, int]:
    return parser.getLineNumber(), parser.getColumnNumber() + 1
