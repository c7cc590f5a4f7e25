"""Wiki pages to a ZIP of Markdown files with YAML front matter, streamed (pure).

Pure module. Each page becomes ``<slug>.md``: a front matter block (title,
address, revision, dates, licence) then the Markdown text as written. Slugs
are the pages' own URL keys, so no member name can climb out of the archive;
they are still reduced to safe characters. Front matter values are written as
JSON strings, which YAML reads as they are (no tag, no anchor can be
injected by a title).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from wiki.exports.zipstream import ChunkSink
from wiki.exports.zipstream import open_archive

_UNSAFE_NAME_RE = re.compile(r"[^\w.-]+")


def page_to_markdown(page: Mapping[str, Any], *, url: str, license: str) -> str:
    """Return one page as Markdown with a YAML front matter block."""
    front = {"title": page["title"], "slug": page["slug"], "url": url, "revision": page["revision"],
             "created": page["created_at"], "updated": page["updated_at"], "license": license}  # fmt: skip
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()] + ["---", ""]
    return "\n".join(lines) + page["body"].rstrip("\n") + "\n"


def pages_to_zip(
    pages: Iterable[Mapping[str, Any]], *, page_url: Any, license: str, folder: str = "pages"
) -> Iterator[bytes]:
    """Yield a ZIP archive of pages in chunks, one page at a time.

    :param page_url: callable ``slug -> absolute address`` of a page.
    """
    sink = ChunkSink()
    archive = open_archive(sink)
    for page in pages:
        name = _UNSAFE_NAME_RE.sub("-", page["slug"]).strip(".-") or "page"
        archive.writestr(f"{folder}/{name}.md", page_to_markdown(page, url=page_url(page["slug"]), license=license))
        yield sink.drain()
    archive.close()
    yield sink.drain()
