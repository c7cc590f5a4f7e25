"""Count the SQL statements Lieudit sends, with SQLAlchemy's ``before_cursor_execute`` event.

``SQLCounter(engine)`` listens to one engine; ``SQLCounter(Engine)`` (the
class) to every engine, also those created afterwards. It counts every
statement and, when asked (``keep``), keeps each one with its parameters: to
read them (``run``) or to replay them (``records_timing.replay``).
Used by ``page_view_inprocess.py``, ``records_list.py`` and ``api.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class SQLCounter:
    """Counts the statements sent through an engine (optionally keeping them and their parameters)."""

    def __init__(self, engine: Any, *, keep: bool = False) -> None:
        """Listen to ``engine``'s cursor events (``Engine``: every engine's)."""
        from sqlalchemy import event

        self.engine = engine
        self.count = 0
        self.statements: list[tuple[str, Any]] = []
        self.keep = keep
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        self.count += 1
        if self.keep:
            self.statements.append((statement, parameters))

    def reset(self, keep: bool = False) -> None:
        """Start counting afresh (``keep``: also record each statement and its parameters)."""
        self.count, self.statements, self.keep = 0, [], keep

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[int, list[str], Any]:
        """Call ``fn(*args, **kwargs)``; return how many statements it sent, the kept ones (whitespace folded) and its result."""
        count, start = self.count, len(self.statements)
        result = fn(*args, **kwargs)
        return self.count - count, [" ".join(s.split()) for s, _ in self.statements[start:]], result

    def close(self) -> None:
        """Stop listening."""
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._before)
