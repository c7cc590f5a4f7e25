"""Addresses in the outbox and unconfirmed ones never leave the instance in a dump."""

from __future__ import annotations

import zipfile

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.mail.models import OutgoingMail

pytestmark = pytest.mark.sqlite_only  # reads what a dump file holds; dumps are tested on both databases elsewhere


def _dumped_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.mark.parametrize("public", [False, True])
def test_dumps_hold_no_outbox_and_public_ones_no_address(runner, db, tmp_path, public):
    user = make_user(db, "Camille", email="camille@example.org")
    user.email_pending = "attente@example.org"
    make_page(db, actor=user)  # an author: public dumps keep the account, pseudonymous
    db.add(OutgoingMail(recipient="destinataire@example.org", subject="[Lieudit] Essai", body="Bonjour"))
    db.commit()
    target = tmp_path / "dump.zip"
    result = runner.invoke(args=["dump", str(target), *(["--public"] if public else [])])
    assert result.exit_code == 0, result.output
    text = _dumped_text(target)
    assert "Camille" in text
    assert "destinataire@example.org" not in text and "mail_outbox" not in text
    if public:
        assert "attente@example.org" not in text and "camille@example.org" not in text
