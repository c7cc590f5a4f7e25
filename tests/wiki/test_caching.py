"""Per-application caches: kept in the app, bounded, cleared by the signals that make them stale."""

from __future__ import annotations

import pytest
from blinker import Signal

from wiki.caching import AppCache
from wiki.db import Database

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: in-memory caches and signals

stale = Signal("test-stale")
CACHE: AppCache[str] = AppCache("tests.caching", maxsize=2, stale_on=(stale,))


def test_each_app_keeps_its_own_entries(make_app):
    first, second = make_app(), make_app()
    CACHE.put(first, "key", "first")
    assert CACHE.get(first, "key") == "first"
    assert CACHE.get(second, "key") is None
    with second.app_context():
        assert CACHE.get(None, "key") is None
    with first.app_context():
        assert CACHE.get(None, "key") == "first"


def test_a_session_of_the_app_reaches_its_store(app):
    session = Database.new_session(app)
    try:
        CACHE.put(session, "key", "value")
        assert CACHE.get(app, "key") == "value"
    finally:
        session.close()


def test_without_an_app_nothing_is_cached():
    CACHE.put(None, "key", "value")
    assert CACHE.get(None, "key") is None
    assert CACHE.get_or_set(None, "key", lambda: "computed") == "computed"


def test_the_least_recently_used_entry_goes_first(app):
    CACHE.put(app, "a", "1")
    CACHE.put(app, "b", "2")
    assert CACHE.get(app, "a") == "1"  # "b" is now the oldest
    CACHE.put(app, "c", "3")
    assert (CACHE.get(app, "a"), CACHE.get(app, "b"), CACHE.get(app, "c")) == ("1", None, "3")
    CACHE.resize(app, 1)
    assert CACHE.size(app) == 1


def test_a_signal_clears_only_the_app_that_sent_it(make_app):
    first, second = make_app(), make_app()
    CACHE.put(first, "key", "first")
    CACHE.put(second, "key", "second")
    session = Database.new_session(first)
    try:
        stale.send(None, session=session)
    finally:
        session.close()
    assert CACHE.get(first, "key") is None
    assert CACHE.get(second, "key") == "second"
    stale.send(second)
    assert CACHE.get(second, "key") is None


WEIGHED: AppCache[bytes] = AppCache("tests.caching.weighed", maxsize=100, weigh=len)


def test_a_weighed_cache_keeps_at_most_its_bytes(app):
    WEIGHED.resize(app, 100, maxweight=1_000)
    for key in range(5):
        WEIGHED.put(app, key, b"x" * 300)
    assert [WEIGHED.get(app, key) is not None for key in range(5)] == [False, False, True, True, True]
    assert WEIGHED.weight(app) == 900
    WEIGHED.put(app, 4, b"y" * 100)  # replacing an entry counts its new size only
    WEIGHED.discard(app, 2)
    assert WEIGHED.weight(app) == 400
    WEIGHED.put(app, "large", b"z" * 2_000)  # larger than the whole bound: not kept
    assert WEIGHED.get(app, "large") is None and WEIGHED.weight(app) == 0
    WEIGHED.put(app, "a", b"a" * 10)
    WEIGHED.clear(app)
    assert WEIGHED.weight(app) == 0 and WEIGHED.size(app) == 0
