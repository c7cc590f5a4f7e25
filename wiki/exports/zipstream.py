"""Write a ZIP archive to a stream without seeking (pure).

``zipfile`` writes data descriptors when its output cannot seek, so an
archive can be produced member by member and sent as it grows: the
OpenDocument spreadsheet and the pages archive use this to stream in constant
memory. Callers write into members and call ``drain()`` to collect the bytes
produced so far.
"""

from __future__ import annotations

import zipfile


class ChunkSink:
    """A write-only, non-seekable file object that hands out what was written."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> int:
        """Keep ``data`` until the next ``drain``."""
        self._chunks.append(bytes(data))
        self._size += len(data)
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: bytes wait for ``drain``."""

    def close(self) -> None:
        """Nothing to release (``zipfile`` never closes a file object it was given)."""

    def drain(self) -> bytes:
        """Return and forget what was written since the last call."""
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def open_archive(sink: ChunkSink) -> zipfile.ZipFile:
    """Open a deflated ZIP archive writing into ``sink``."""
    return zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
