"""Save limits hold across workers and app nodes on PostgreSQL (``wiki.moderation.spam.check_rate``)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from tests.factories import make_user
from wiki.auth.models import User
from wiki.db import Database
from wiki.moderation import spam

_WAITING = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_saves_of_one_account_at_once_are_counted_one_after_the_other(make_app, db):
    """Two saves of one account reach two nodes at once with one save left: one passes, the other is refused."""
    app = make_app()
    user_id = make_user(db, "Nouvelle").id
    db.commit()
    rules = spam.Rules(limit_newcomer=1)
    first, second = Database.new_session(app), Database.new_session(app)
    outcome: list[str] = []

    def other_node() -> None:
        with app.test_request_context("/"):
            try:
                spam.check_rate(second, second.get(User, user_id), rules, trusted=False)
            except spam.RateLimited:
                outcome.append("refused")
            else:
                outcome.append("passed")
            second.rollback()

    try:
        with app.test_request_context("/"):
            spam.check_rate(first, first.get(User, user_id), rules, trusted=False)
            first.flush()  # counted, not yet committed: the save is still being written
            thread = threading.Thread(target=other_node)
            thread.start()
            for _ in range(3000):  # until the other save is done, or waits for this one
                if not thread.is_alive() or db.scalar(text(_WAITING)):
                    break
                db.commit()
                time.sleep(0.01)
            first.commit()
        thread.join()
        assert outcome == ["refused"]
    finally:
        first.close()
        second.close()
