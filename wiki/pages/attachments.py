"""Attachments: files stored under server-chosen names, checked by content.

The type of a file is decided from its first bytes, never from the name or
the browser's claim (HOSTILE_INPUTS B3-24); SVG, HTML and anything unknown
are refused or served only as downloads; images are re-encoded without
metadata (EXIF GPS positions are personal data, B3-31) after a pixel-count
check made before decoding (B3-30). Files are written to a temporary name,
synced and renamed, so a crash never leaves half a file (B3-32), and removed
again when their row is not committed (a full disk, HOSTILE_INPUTS G6).
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import time
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import IO
from typing import Any

from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import signals
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.moderation import policy as edit_policies
from wiki.pages.models import Attachment
from wiki.pages.models import Page
from wiki.uploads import write_for_transaction

#: Accepted types: content type -> (extension, shown inline).
ACCEPTED: dict[str, tuple[str, bool]] = {
    "image/png": ("png", True),
    "image/jpeg": ("jpg", True),
    "image/gif": ("gif", True),
    "image/webp": ("webp", True),
    "application/pdf": ("pdf", False),
    "application/vnd.oasis.opendocument.text": ("odt", False),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods", False),
    "text/plain": ("txt", False),
    "text/csv": ("csv", False),
}
_PIL_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
#: A stored file that no row names is removed once older than this: a file is written before its
#: row commits, so a younger one may be an upload under way (on this node or another one).
ORPHAN_GRACE = timedelta(hours=1)
#: Stored names and the temporary names they are written under (``wiki.storage_faults``).
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{2,5}|\.[0-9a-f]{32}\.[a-z0-9]{2,5}\.tmp")


def sniff(head: bytes, filename: str) -> str | None:
    """Return the content type of a file from its first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") and b"mimetypeapplication/vnd.oasis.opendocument." in head[:200]:
        kind = head[30:200].split(b"mimetype", 1)[1][:60]
        if kind.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "application/vnd.oasis.opendocument.spreadsheet"
        if kind.startswith(b"application/vnd.oasis.opendocument.text"):
            return "application/vnd.oasis.opendocument.text"
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = text.lstrip().lower()
    # Markup of any kind could run script if a browser rendered it.
    if "\x00" in text or lowered.startswith(("<", "<?xml")) or re.search(r"<\s*(script|svg|html|iframe)", lowered):
        return None
    return "text/csv" if filename.lower().endswith(".csv") else "text/plain"


def clean_filename(name: str) -> str:
    """Return a display name safe to show and to put in headers."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200b-\u200f\"<>:|?*]", "", name).strip(" .")
    if not name:
        name = "fichier"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[:140]}.{ext}"
    return name[:150]


def storage_path(root: Path, stored_name: str) -> Path:
    """Return the on-disk path of a stored file, refusing anything outside ``root``."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z0-9]{2,5}", stored_name):
        raise NotFound(str(_l("Fichier introuvable.")))
    path = (root / stored_name[:2] / stored_name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise NotFound(str(_l("Fichier introuvable.")))
    return path


def _reencode(data: bytes, content_type: str, max_pixels: int) -> tuple[bytes, int, int]:
    """Check the pixel count, then re-encode without metadata."""
    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
        if width * height > max_pixels:
            raise ValidationError(str(_l("Image trop grande (%(w)d × %(h)d pixels).", w=width, h=height)))
        if _PIL_FORMATS.get(probe.format or "") != content_type:
            raise ValidationError(str(_l("Le contenu de l'image ne correspond pas à son type.")))
        if content_type == "image/gif":
            return data, width, height  # animation would be lost; GIF carries no EXIF
        probe.load()
        image = probe.copy()
    out = io.BytesIO()
    fmt = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}[content_type]
    options: dict[str, Any] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(out, fmt, **options)
    return out.getvalue(), width, height


def store_file(
    db: Session,
    stream: IO[bytes],
    filename: str,
    *,
    actor: Any,
    root: Path,
    max_bytes: int,
    max_pixels: int,
    page_id: int | None = None,
    record_id: int | None = None,
    images_only: bool = False,
) -> Attachment:
    """Check and store an uploaded file; the caller checked permissions.

    :raises ValidationError: empty, too big, or a refused type of file.
    """
    data = stream.read(max_bytes + 1)
    if not data:
        raise ValidationError(str(_l("Le fichier est vide.")))
    if len(data) > max_bytes:
        raise ValidationError(
            str(_l("Fichier trop volumineux (%(max)d Mo au plus).", max=max(1, max_bytes // (1024 * 1024))))
        )
    display = clean_filename(filename)
    content_type = sniff(data[:4096], display)
    if content_type is None:
        raise ValidationError(
            str(_l("Ce type de fichier n'est pas accepté (images PNG, JPEG, GIF, WebP, PDF, ODT, ODS, texte, CSV)."))
        )
    if images_only and not ACCEPTED[content_type][1]:
        raise ValidationError(str(_l("Ce champ attend une image (PNG, JPEG, GIF ou WebP).")))
    width = height = None
    if ACCEPTED[content_type][1]:
        try:
            data, width, height = _reencode(data, content_type, max_pixels)
        except (OSError, Image.DecompressionBombError, SyntaxError) as err:
            raise ValidationError(str(_l("Image illisible ou trop grande."))) from err
    ext = ACCEPTED[content_type][0]
    stem = display.rpartition(".")[0] if "." in display else display
    display = f"{stem}.{ext}"
    stored = f"{secrets.token_hex(16)}.{ext}"
    # Written whole before its row, and removed again if the row is not committed (a full database).
    write_for_transaction(db, storage_path(root, stored), data)
    attachment = Attachment(
        page_id=page_id,
        record_id=record_id,
        filename=display,
        stored_name=stored,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        uploader_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        created_at=utcnow(),
    )
    db.add(attachment)
    db.flush()
    return attachment


def discard_files(root: Path, attachments: list[Attachment]) -> None:
    """Remove the files of attachments whose transaction was rolled back."""
    for attachment in attachments:
        storage_path(root, attachment.stored_name).unlink(missing_ok=True)


def add_attachment(
    db: Session,
    page: Page,
    stream: IO[bytes],
    filename: str,
    *,
    actor: Any,
    policy: str,
    root: Path,
    max_bytes: int,
    max_pixels: int,
) -> Attachment:
    """Store an uploaded file for ``page``.

    :raises Forbidden: the actor may not upload here.
    :raises ValidationError: empty, too big, or a refused type of file.
    """
    if not permissions.can_upload(actor, page, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de joindre un fichier à cette page.")))
    if edit_policies.waits(db, actor, permissions.page_policy(page, policy)):
        # A file is published as soon as it is stored: under pre-moderation, only those who publish directly add one.
        raise Forbidden(
            str(
                _l(
                    "Cette page est relue avant publication : les fichiers y sont ajoutés par les contributeurs "
                    "de confiance et les modérateurs. Décrivez le fichier dans le texte, un modérateur l'ajoutera."
                )
            )
        )
    attachment = store_file(
        db, stream, filename, actor=actor, root=root, max_bytes=max_bytes, max_pixels=max_pixels, page_id=page.id
    )
    signals.attachment_added.send(page, session=db, page=page, attachment=attachment, actor=actor)
    return attachment


def get_record_attachment(db: Session, attachment_id: int, record_id: int) -> Attachment:
    """Return a live attachment of a record (visibility is the caller's check).

    :raises NotFound: unknown, deleted, or of another record.
    """
    attachment = db.get(Attachment, attachment_id)
    if attachment is None or attachment.deleted_at is not None or attachment.record_id != record_id:
        raise NotFound(str(_l("Fichier introuvable.")))
    return attachment


def list_attachments(db: Session, page: Page) -> list[Attachment]:
    """Return the live attachments of a page, newest first."""
    query = (
        select(Attachment)
        .where(Attachment.page_id == page.id, Attachment.deleted_at.is_(None))
        .order_by(Attachment.created_at.desc())
    )
    return list(db.scalars(query))


def get_attachment(db: Session, attachment_id: int) -> Attachment:
    """Return a live attachment of a live page.

    :raises NotFound: unknown, deleted, or on a deleted page.
    """
    attachment = db.get(Attachment, attachment_id)
    if attachment is None or attachment.deleted_at is not None or attachment.page_id is None:
        raise NotFound(str(_l("Fichier introuvable.")))
    page = db.get(Page, attachment.page_id)
    if page is None or page.is_deleted:
        raise NotFound(str(_l("Fichier introuvable.")))
    return attachment


def remove_attachment(db: Session, attachment: Attachment, *, actor: Any, policy: str) -> None:
    """Hide an attachment (the file stays for history and restore).

    :raises Forbidden: the actor may not edit the page.
    """
    page = db.get(Page, attachment.page_id)
    if not permissions.can_upload(actor, page, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de retirer ce fichier.")))
    attachment.deleted_at = utcnow()


def restore_attachment(db: Session, attachment: Attachment, *, actor: Any, policy: str) -> bool:
    """Show a removed attachment again; return whether it was removed.

    :raises Forbidden: the actor may not edit the page.
    """
    page = db.get(Page, attachment.page_id)
    if not permissions.can_upload(actor, page, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de rétablir ce fichier.")))
    if attachment.deleted_at is None:
        return False
    attachment.deleted_at = None
    return True


def remove_orphans(db: Session, root: Path, *, grace: timedelta = ORPHAN_GRACE) -> int:
    """Remove the stored files no attachment names, older than ``grace``; return how many.

    A process killed after writing a file and before its row committed leaves
    such a file (HOSTILE_INPUTS G4); so does one killed while writing it (a
    temporary name). Rows of removed attachments keep their file (restore).
    """
    if not root.is_dir():
        return 0
    named = set(db.scalars(select(Attachment.stored_name)))
    cutoff = time.time() - grace.total_seconds()
    removed = 0
    for folder in root.iterdir():
        if not (re.fullmatch(r"[0-9a-f]{2}", folder.name) and folder.is_dir()):
            continue  # the hidden folders of other uses (imports awaiting confirmation) are not ours
        for path in folder.iterdir():
            if path.name in named or not _STORED_NAME.fullmatch(path.name):
                continue
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                pass  # removed meanwhile by another node's start-up
    return removed
