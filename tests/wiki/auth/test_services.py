"""Account services: validation, hashing, per-account back-off, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import FAST_HASH
from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.auth import services
from wiki.db import utcnow
from wiki.errors import Throttled
from wiki.errors import ValidationError

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: validation and hashing in Python, plain lookups


@pytest.mark.parametrize(
    "name", ["ab", "x" * 65, "Click http://spam.example", "www.pills.test", "<b>nom</b>", "a@b.fr", "../admin"]
)
def test_bad_names_are_refused(db, name):
    with pytest.raises(ValidationError) as caught:
        services.create_user(db, name=name, password=PASSWORD, settings=FAST_HASH)
    assert "name" in caught.value.errors


def test_names_are_unique_ignoring_case_and_accents(db):
    make_user(db, "Émilie")
    with pytest.raises(ValidationError):
        make_user(db, "emilie")
    assert services.find_user(db, "ÉMILIE").name == "Émilie"


@pytest.mark.parametrize("password", [" espaces autour ", "a" * 1024, "mot de passe ünicode 🌳", "\tTab\tulé\t"])
def test_passwords_are_hashed_exactly_as_typed(db, password):
    make_user(db, "Alix", password=password)
    assert services.authenticate(db, "Alix", password, settings=FAST_HASH).name == "Alix"
    with pytest.raises(ValidationError):
        services.authenticate(db, "Alix", password.strip() + "x", settings=FAST_HASH)


def test_too_short_or_too_long_passwords(db):
    for password in ("court", "a" * 1025):
        with pytest.raises(ValidationError):
            services.create_user(db, name="Alix", password=password, settings=FAST_HASH)


def test_unknown_name_and_wrong_password_look_the_same(db):
    make_user(db, "Alix")
    with pytest.raises(ValidationError) as unknown:
        services.authenticate(db, "Personne", "x", settings=FAST_HASH)
    with pytest.raises(ValidationError) as wrong:
        services.authenticate(db, "Alix", "x", settings=FAST_HASH)
    assert unknown.value.message == wrong.value.message


def test_backoff_counts_per_account_and_expires(db):
    make_user(db, "Alix")
    other = make_user(db, "Bea")
    settings = services.Settings(hash_method="pbkdf2:sha256:1000", free_attempts=3, max_delay=600)
    now = utcnow()
    for _ in range(3):  # three free failures, then back-off
        with pytest.raises(ValidationError):
            services.authenticate(db, "Alix", "mauvais", settings=settings, now=now)
    with pytest.raises(Throttled):
        services.authenticate(db, "Alix", PASSWORD, settings=settings, now=now)
    # Another account behind the same address is not affected (wiki-party).
    assert services.authenticate(db, "Bea", PASSWORD, settings=settings, now=now) is other
    later = now + timedelta(seconds=601)
    assert services.authenticate(db, "Alix", PASSWORD, settings=settings, now=later).failed_logins == 0


def test_backoff_grows_and_is_capped():
    settings = services.Settings(free_attempts=5, max_delay=3600)
    delays = [services._delay_after(n, settings) for n in range(1, 20)]
    assert delays[:4] == [0, 0, 0, 0]
    assert delays[5] > delays[4] > 0
    assert max(delays) == 3600


def test_password_change_ends_sessions(db):
    user = make_user(db, "Alix")
    version = user.session_version
    with pytest.raises(ValidationError):
        services.change_password(user, "faux", "nouveau-mot-de-passe", settings=FAST_HASH)
    services.change_password(user, PASSWORD, "nouveau-mot-de-passe", settings=FAST_HASH)
    assert user.session_version == version + 1
    assert services.authenticate(db, "Alix", "nouveau-mot-de-passe", settings=FAST_HASH) is user


def test_set_role(db):
    user = make_user(db, "Alix")
    services.set_role(db, user.id, "moderator")
    assert user.has_role("moderator") and not user.has_role("admin")
    services.set_role(db, user.id, "contributor", is_active=False)
    assert not user.has_role("visitor")
    with pytest.raises(ValidationError):
        services.set_role(db, user.id, "superuser")


def test_an_unknown_name_costs_the_same_hashing_as_a_wrong_password(db, monkeypatch):
    """Login timing tells no account apart (issue 17): the dummy hash uses the accounts' own method."""
    import time

    scrypt = services.Settings(hash_method="scrypt")
    services.create_user(db, name="Camille", password=PASSWORD, settings=scrypt)
    checked: list[str] = []
    real_check = services.check_password_hash
    monkeypatch.setattr(
        services, "check_password_hash", lambda stored, given: checked.append(stored) or real_check(stored, given)
    )

    def slowest_refusal(name: str) -> float:
        best = float("inf")
        for _round in range(3):
            started = time.perf_counter()
            with pytest.raises(ValidationError):
                services.authenticate(db, name, "pas-le-bon-mot", settings=scrypt)
            best = min(best, time.perf_counter() - started)
        return best

    slowest_refusal("Inconnu")  # the dummy hash is made once, on first use
    unknown, known = slowest_refusal("Inconnu"), slowest_refusal("Camille")
    assert {stored.split(":", 1)[0] for stored in checked} == {"scrypt"}
    assert unknown > known / 3, (
        f"unknown name refused in {unknown * 1000:.0f} ms, wrong password in {known * 1000:.0f} ms"
    )


def test_strangers_guessing_never_lock_the_owner_out_but_all_of_them_together_do_later(db):
    user = make_user(db, "Alix")
    settings = services.Settings(
        hash_method="pbkdf2:sha256:1000", free_attempts=3, max_delay=600, account_free_attempts=8
    )
    now = utcnow()
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.authenticate(db, "Alix", "mauvais", settings=settings, now=now, client="attaquant")
    with pytest.raises(Throttled):  # that client waits, even with the right password
        services.authenticate(db, "Alix", PASSWORD, settings=settings, now=now, client="attaquant")
    assert services.authenticate(db, "Alix", PASSWORD, settings=settings, now=now, client="proprietaire") is user
    for n in range(8):  # guesses spread over many clients
        with pytest.raises(ValidationError):
            services.authenticate(db, "Alix", "mauvais", settings=settings, now=now, client=f"robot{n}")
    with pytest.raises(Throttled):  # the account itself now waits, for every client
        services.authenticate(db, "Alix", PASSWORD, settings=settings, now=now, client="proprietaire")
    later = now + timedelta(seconds=601)
    assert services.authenticate(db, "Alix", PASSWORD, settings=settings, now=later, client="attaquant") is user
    from sqlalchemy import select

    from wiki.auth.models import LoginFailure

    assert all(len(c) <= 16 for c in db.scalars(select(LoginFailure.client)))
