"""A cap on long renders running at once on one host, across every worker process.

Pure module (standard library and the pure kernel :mod:`wiki.hostslots`). A text long enough to go to a render
process (:data:`wiki.markup.worker.INLINE_CHARS`) may hold a sync worker for up
to the render budget; four hostile previews at once would hold all four
workers of a small server and stall every page view. Before such a render, a
worker takes one of ``limit`` slots of a folder (:mod:`wiki.hostslots`: an
advisory lock on a slot file), so the cap holds across gunicorn's workers, and
a killed worker releases its slot with its file descriptors. When none frees up within
``wait`` seconds, the text is refused with :class:`RenderBusy` (a French
message; the editor gives the text back) and the worker is free at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wiki import hostslots


class RenderBusy(ValueError):
    """Every slot for long renders is taken: the text is refused for now, in French."""

    def __init__(self) -> None:
        super().__init__(
            "Le wiki met déjà en forme d’autres textes longs : votre texte est conservé, "
            "réessayez dans quelques secondes."
        )


class HostSlots:
    """``limit`` slots for long renders, shared by the processes that use ``folder``."""

    def __init__(self, folder: Path, limit: int, wait: float = 0.5) -> None:
        self.folder, self.limit, self.wait = folder, limit, wait

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold a slot for the block; :class:`RenderBusy` when none frees up in time."""
        slot = hostslots.wait(self.folder, self.limit, self.wait, name="render")
        if slot is None:
            raise RenderBusy
        try:
            yield
        finally:
            slot.release()
