"""Fixtures of the API tests: the agenda's event records, for ``/api/v1/events``."""

from __future__ import annotations

from tests.wiki.agenda.conftest import events  # noqa: F401  (a fixture, shared with the agenda tests)
