"""Run a pure function over a stream of tasks in a worker process, results in order, a bounded number ahead.

An importer's converting (wikitext to Markdown, then Markdown to HTML) costs
about as much CPU as its writing: done in another process, it runs on
another core while the main process writes the items before. Results come
back in the order of the tasks; at most ``ahead`` chunks are in flight, so
memory stays bounded whatever the size of the source. Below ``threshold``
tasks (tests, small files) everything runs in the calling process: starting
a worker (a fresh interpreter, spawned: never a fork of a process that holds
threads and database connections) would cost more than it saves. The
function and its tasks must be picklable (a module-level function, plain
data); an exception in the worker is raised again here.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewer tasks than this are run in the calling process.
THRESHOLD = 200
#: Tasks sent to the worker at a time, and chunks in flight.
CHUNK, AHEAD = 16, 8


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(task) for task in chunk]


def _chunks(tasks: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ordered_map(fn: Callable[[T], R], tasks: Iterable[T], *, total: int, threshold: int | None = None) -> Iterator[R]:
    """``fn(task)`` for each task, in order: in a worker process when ``total`` reaches ``threshold`` (``THRESHOLD``)."""
    if total < (THRESHOLD if threshold is None else threshold):
        yield from map(fn, tasks)
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    waiting: deque[Future[list[R]]] = deque()
    try:
        for chunk in _chunks(tasks, CHUNK):
            waiting.append(pool.submit(_run_chunk, fn, chunk))
            if len(waiting) >= AHEAD:
                yield from waiting.popleft().result()
        while waiting:
            yield from waiting.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
