"""``lieudit privacy …`` commands: erase an account (RGPD), purge the IP log."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from wiki.db import Database
from wiki.errors import Forbidden

privacy_cli = AppGroup("privacy", help="Personal data (RGPD): erase an account, purge the IP log.")


@privacy_cli.command(
    "erase",
    help="Erase the account NAME (RGPD).\n\n"
    "The account becomes « Contributeur effacé n°ID » in every revision and in the activity log; "
    "its e-mail, password, API tokens and sessions are removed and it is disabled; the values of "
    "personal fields are removed from the records it created and from their history; the search "
    "index and caches are refreshed; the erasure is recorded in the public moderation log. "
    "All or nothing; running it again on the pseudonym changes nothing.",
)
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--reason", default="", help="Public reason recorded in the moderation log (no personal data).")
def erase_command(name: str, yes: bool, reason: str) -> None:
    """Erase the account NAME: pseudonymise it and redact its personal values."""
    from wiki.auth.services import system_account
    from wiki.privacy import erasure

    db = Database.new_session()
    try:
        user = erasure.find_account(db, name)
        if user is None:
            raise click.ClickException(f"No account named {name!r} (an erased account is known only by its pseudonym).")
        user_id, pseudonym = user.id, erasure.pseudonym_of(user.id)
        if not yes:
            click.confirm(
                f"Erase account {user.name!r}? It will become {pseudonym!r}; this cannot be undone", abort=True
            )
        actor = system_account(db)
        db.commit()
        try:
            result = erasure.erase(db, user_id, actor=actor, reason=reason)
        except Forbidden as err:
            raise click.ClickException(err.message) from err
    finally:
        db.close()
    if result.already:
        click.echo(f"Account {pseudonym!r} was already erased: nothing left to change.")
        return
    click.echo(
        f"Account erased: now {result.pseudonym!r}; {result.revisions} revision(s) and {result.records} record(s) "
        f"redacted, {result.imported} imported signature(s) replaced, {result.tokens} API token(s) deleted."
    )


@privacy_cli.command("purge", help="Delete the IP log rows older than IP_RETENTION_DAYS (default 30).")
def purge_command() -> None:
    """Delete the IP log rows past their retention delay."""
    from wiki.moderation import iplog
    from wiki.privacy.statement import ip_retention_days

    days = ip_retention_days(current_app.config)
    db = Database.new_session()
    try:
        count = iplog.purge(db, days=days)
        db.commit()
    finally:
        db.close()
    click.echo(f"{count} IP log row(s) older than {days} day(s) deleted.")
