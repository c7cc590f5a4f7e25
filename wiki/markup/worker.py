"""Render Markdown within a hard time budget: in a child process that is killed when it runs over.

Pure module: part of :mod:`wiki.markup` (standard library only, plus the
renderer it runs). A short text is rendered in the calling process: below
``INLINE_CHARS`` no known input comes near the budget. A longer one is sent
to a render process of this process's pool (a fresh interpreter, never
forked from a server worker that holds threads and database connections);
past the budget that process is killed and the text refused with
:class:`RenderTimeout`, and the next render starts a fresh one (goal G10).
One pool per process: with gunicorn's sync workers each worker has its own,
at most ``MAX_IDLE`` idle render processes (one in practice).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from wiki.markup import Rendered
from wiki.markup import render
from wiki.markup.limits import check
from wiki.markup.slots import HostSlots

#: Texts shorter than this (characters) are rendered in-process: they render in well under 0.3 s.
INLINE_CHARS = 10_000
#: Render processes kept waiting per process.
MAX_IDLE = 2
#: Seconds a new render process may take to start (imports), not counted in the budget.
STARTUP_SECONDS = 60.0


class RenderTimeout(ValueError):
    """Rendering ran over the time budget (or its process died): the text is refused, in French."""

    def __init__(self, budget: float) -> None:
        super().__init__(
            f"La mise en forme de ce texte prend plus de {budget:g} s : il est refusé pour ne pas "
            "ralentir le wiki. Simplifiez-le (moins de titres, d’imbrications ou de marques de "
            "mise en forme) ou découpez-le en plusieurs pages."
        )
        self.budget = budget


def _serve(inbox: Connection, outbox: Connection) -> None:
    """Main loop of a render process: receive texts, send back ``(ok, Rendered | message)``."""
    outbox.send("ready")
    while True:
        try:
            text = inbox.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        try:
            outbox.send((True, render(text)))
        except ValueError as err:  # too large: the parent refuses with the same message
            outbox.send((False, str(err)))


class _Process:
    """One render process (``python -m wiki.markup.worker``) and the parent's ends of its pipes.

    A plain subprocess rather than :mod:`multiprocessing`: its ``spawn`` re-imports the
    parent's main script, which a server or a script need not allow.
    """

    def __init__(self) -> None:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        args = [sys.executable, "-m", "wiki.markup.worker", str(to_child), str(from_child)]
        try:
            self.process = subprocess.Popen(args, pass_fds=(to_child, from_child), env=env, close_fds=True)
        finally:
            os.close(to_child)
            os.close(from_child)
        self.conn = Connection(to_parent, writable=False)
        self.out = Connection(from_parent, readable=False)
        self.ready = False

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.conn.close()
        self.out.close()


class RenderPool:
    """The render processes of one OS process; thread-safe; rebuilt after a fork."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Process] = []
        self._pid = os.getpid()
        self.started = 0  # render processes started, for tests and benchmarks

    def _take(self) -> _Process:
        with self._lock:
            if self._pid != os.getpid():  # forked: those processes are the parent's
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop()
            self.started += 1
        return _Process()

    def _give_back(self, proc: _Process) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE and self._pid == os.getpid():
                self._idle.append(proc)
                return
        proc.kill()

    def render(self, text: str, budget: float) -> Rendered:
        """Render ``text`` in a render process within ``budget`` seconds.

        :raises RenderTimeout: over the budget, or the process died (it is replaced).
        :raises ValueError: the renderer refused the text (its message).
        """
        proc = self._take()
        try:
            if not proc.ready:
                if not proc.conn.poll(STARTUP_SECONDS) or proc.conn.recv() != "ready":
                    raise EOFError("render process did not start")
                proc.ready = True
            proc.out.send(text)
            if not proc.conn.poll(budget):
                raise TimeoutError
            ok, value = proc.conn.recv()
        except (TimeoutError, EOFError, OSError) as err:
            proc.kill()
            raise RenderTimeout(budget) from err
        self._give_back(proc)
        if not ok:
            raise ValueError(value)
        return value

    def close(self) -> None:
        """Stop the idle render processes."""
        with self._lock:
            idle, self._idle = self._idle, []
        for proc in idle:
            proc.kill()


POOL = RenderPool()
atexit.register(POOL.close)


def render_within(text: str, budget: float, slots: HostSlots | None = None) -> Rendered:
    """Render ``text`` like :func:`wiki.markup.render`, in at most ``budget`` seconds.

    A long text waits for one of ``slots`` first, when given (the host's cap on long renders).

    :raises RenderTimeout: the rendering ran over the budget.
    :raises RenderBusy: every slot stayed taken (:mod:`wiki.markup.slots`).
    :raises ValueError: the text is refused (too large, over a limit of :mod:`wiki.markup.limits`).
    """
    check(text)
    if len(text) < INLINE_CHARS:
        return render(text)
    if slots is None:
        return POOL.render(text, budget)
    with slots.hold():
        return POOL.render(text, budget)


if __name__ == "__main__":  # a render process: python -m wiki.markup.worker READ_FD WRITE_FD
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
