"""``lieudit privacy …`` commands: erase an account (RGPD), purge the IP log."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from wiki.db import Database
from wiki.errors import Forbidden

privacy_cli = AppGroup(
    "privacy", help="Données personnelles (RGPD) : effacer un compte, purger le journal des adresses IP."
)


@privacy_cli.command(
    "erase",
    help="Effacer le compte NAME (RGPD).\n\n"
    "Le compte devient « Contributeur effacé n°ID » dans chaque version et dans le journal des "
    "modifications ; son adresse, son mot de passe, ses jetons d'API et ses sessions disparaissent et il "
    "est désactivé ; les valeurs des champs personnels sont retirées des fiches qu'il a créées et de leur "
    "historique ; l'index de recherche et les caches sont rafraîchis ; l'effacement est inscrit au journal "
    "de modération public. Tout ou rien ; le relancer sur le pseudonyme ne change rien.",
)
@click.argument("name")
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
@click.option("--reason", default="", help="Motif public inscrit au journal de modération (sans donnée personnelle).")
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


@privacy_cli.command(
    "purge",
    help="Supprimer les lignes du journal des adresses IP plus anciennes que IP_RETENTION_DAYS (30 jours par défaut).",
)
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
