"""``lieudit user …`` commands."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import AppGroup

from wiki.auth import services
from wiki.auth.models import ROLES
from wiki.db import Database
from wiki.errors import ValidationError

user_cli = AppGroup("user", help="Gérer les comptes.")


def _refused(err: ValidationError) -> click.ClickException:
    """The French message of a refused command, with what each field got wrong."""
    details = "; ".join(f"{k}: {v}" for k, v in err.errors.items())
    return click.ClickException(f"{err.message} {details}".strip())


@user_cli.command("create", help="Créer un compte.")
@click.argument("name")
@click.option("--email", default=None, help="Adresse e-mail (facultative).")
@click.option("--role", type=click.Choice(ROLES[1:]), default="contributor", show_default=True, help="Rôle du compte.")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def create_user_command(name: str, email: str | None, role: str, password_stdin: bool) -> None:
    """Create an account."""
    from flask import current_app

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    db = Database.new_session()
    try:
        settings = services.Settings(hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        user = services.create_user(db, name=name, password=password, email=email, role=role, settings=settings)
        db.commit()
    except ValidationError as err:
        db.rollback()
        raise _refused(err) from err
    finally:
        db.close()
    click.echo(f"Compte « {user.name} » créé avec le rôle {user.role}.")


def _account(db: Any, name: str) -> Any:
    """The account named NAME, or a French refusal."""
    user = services.find_user(db, name)
    if user is None:
        raise click.ClickException(f"Compte introuvable : {name}")
    return user


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "jamais"


@user_cli.command(
    "list",
    help="Lister les comptes : nom, rôle, adresse e-mail, état, création, dernière connexion.\n\n"
    "Une adresse pas encore confirmée est suivie de « (à confirmer) ».",
)
def list_users_command() -> None:
    """List accounts: name, role, e-mail, state, creation, last login."""
    db = Database.new_session()
    try:
        click.echo("nom\trôle\tadresse\tétat\tcréé\tdernière connexion")
        for user in services.list_users(db):
            address = user.email or (f"{user.email_pending} (à confirmer)" if user.email_pending else "-")
            state = "actif" if user.is_active else "désactivé"
            click.echo(
                f"{user.name}\t{user.role}\t{address}\t{state}\t{user.created_at:%Y-%m-%d}\t{_when(user.last_login_at)}"
            )
    finally:
        db.close()


@user_cli.command(
    "passwd",
    help="Donner un nouveau mot de passe au compte NAME.\n\n"
    "Toutes ses sessions sont fermées et l'attente après des essais ratés est levée ; "
    "son adresse confirmée en est prévenue quand le wiki envoie des courriels.",
)
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def passwd_command(name: str, password_stdin: bool) -> None:
    """Set a new password for the account NAME (ends its sessions)."""
    from flask import current_app

    from wiki.auth import recovery
    from wiki.auth.views import mail_links
    from wiki.mail.services import mail_enabled

    db = Database.new_session()
    try:
        user = _account(db, name)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
        settings = services.Settings(hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        recovery.set_password(user, password, settings=settings)
        if mail_enabled(current_app.config):
            recovery.notify_password_changed(db, user, links_to=mail_links())
        db.commit()
    except ValidationError as err:
        db.rollback()
        raise _refused(err) from err
    finally:
        db.close()
    click.echo(f"Mot de passe de « {user.name} » changé ; ses sessions sont fermées.")


@user_cli.command("role", help="Donner le rôle ROLE au compte NAME.")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def role_command(name: str, role: str) -> None:
    """Give the account NAME the role ROLE."""
    db = Database.new_session()
    try:
        user = _account(db, name)
        previous = user.role
        services.set_role(db, user.id, role, is_active=user.is_active)
        db.commit()
    finally:
        db.close()
    click.echo(f"« {user.name} » : {previous} → {role}.")


def _set_active(name: str, active: bool) -> None:
    db = Database.new_session()
    try:
        user = _account(db, name)
        services.set_role(db, user.id, user.role, is_active=active)
        db.commit()
    finally:
        db.close()
    if active:
        click.echo(f"Compte « {user.name} » réactivé.")
    else:
        click.echo(
            f"Compte « {user.name} » désactivé : il ne peut plus se connecter, ses sessions et ses jetons ne marchent plus."
        )


@user_cli.command(
    "disable",
    help="Désactiver le compte NAME : plus de connexion, ses sessions et ses jetons d'API cessent de marcher.\n\n"
    "Ses contributions restent ; « user enable » le réactive.",
)
@click.argument("name")
def disable_command(name: str) -> None:
    """Disable the account NAME (no login; its sessions and tokens stop working)."""
    _set_active(name, False)


@user_cli.command("enable", help="Réactiver le compte NAME.")
@click.argument("name")
def enable_command(name: str) -> None:
    """Enable the account NAME again."""
    _set_active(name, True)


token_cli = AppGroup("token", help="Gérer les jetons d'API.")


@token_cli.command(
    "create",
    help="Afficher un nouveau jeton d'API pour le compte NAME.\n\nIl n'est montré qu'une fois : seule son empreinte est gardée.",
)
@click.argument("name")
@click.option("--label", default="ligne de commande", show_default=True, help="Nom du jeton, pour le reconnaître.")
@click.option(
    "--expires-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Durée de validité en jours (sans limite par défaut).",
)
@click.option("--read-only", is_flag=True, help="Jeton en lecture seule (aucune modification).")
def create_token_command(name: str, label: str, expires_days: int | None, read_only: bool) -> None:
    """Print a new API token for the account NAME (shown only once)."""
    from wiki.auth import tokens

    db = Database.new_session()
    try:
        user = services.find_user(db, name)
        if user is None:
            raise click.ClickException(f"Compte introuvable : {name}")
        created = tokens.create_token(db, user, label, expires_in_days=expires_days, can_write=not read_only)
        db.commit()
    except ValidationError as err:
        db.rollback()
        raise _refused(err) from err
    finally:
        db.close()
    click.echo(created.secret)
    click.echo(
        f"Jeton « {created.token.name} » créé pour {user.name} ; conservez-le : il ne sera plus affiché.", err=True
    )


@token_cli.command("list", help="Lister les jetons d'API du compte NAME (jamais leur secret).")
@click.argument("name")
def list_tokens_command(name: str) -> None:
    """List the API tokens of the account NAME (never their secret)."""
    from wiki.auth import tokens
    from wiki.db import utcnow

    db = Database.new_session()
    try:
        user = services.find_user(db, name)
        if user is None:
            raise click.ClickException(f"Compte introuvable : {name}")
        now = utcnow()
        for token in tokens.list_tokens(db, user):
            state = "révoqué" if token.revoked_at else "actif" if tokens.is_usable(token, now) else "expiré"
            used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "jamais"
            rights = "lecture et écriture" if token.can_write else "lecture seule"
            click.echo(
                f"{token.id}\t{token.prefix}…\t{state}\t{rights}\tcréé {token.created_at:%Y-%m-%d}\tutilisé {used}\t{token.name}"
            )
    finally:
        db.close()


@token_cli.command(
    "revoke",
    help="Révoquer le jeton TOKEN_ID du compte NAME.\n\nUn jeton divulgué cesse aussitôt de fonctionner.",
)
@click.argument("name")
@click.argument("token_id", type=int)
def revoke_token_command(name: str, token_id: int) -> None:
    """Revoke the token TOKEN_ID of the account NAME (a leaked token stops working at once)."""
    from wiki.auth import tokens
    from wiki.errors import NotFound

    db = Database.new_session()
    try:
        user = services.find_user(db, name)
        if user is None:
            raise click.ClickException(f"Compte introuvable : {name}")
        try:
            token = tokens.revoke_token(db, user, token_id)
        except NotFound as err:
            raise click.ClickException(f"Ce compte n'a pas de jeton n° {token_id}.") from err
        db.commit()
    finally:
        db.close()
    click.echo(f"Jeton « {token.name} » ({token.prefix}…) révoqué.")
