"""``lieudit moderation rollback`` and ``lieudit moderation undo``: mass rollback from the command line.

``lieudit digests send`` queues the due e-mail digests of watches (:mod:`wiki.activity.digests`).

The same services as the screen (:mod:`wiki.activity.rollback`,
:mod:`wiki.activity.rollback_apply`): the plan is read and computed first, in
a transaction ended before the writes, which happen in one short transaction.
"""

from __future__ import annotations

import time
from typing import Any

import click
from flask import Flask
from flask import current_app
from flask import url_for
from flask.cli import AppGroup
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from wiki.activity import digests
from wiki.activity import rollback
from wiki.activity import rollback_apply
from wiki.activity.views import change_url
from wiki.auth import services as accounts
from wiki.db import Database
from wiki.errors import LieuditError
from wiki.mail import delivery
from wiki.mail import services as mail
from wiki.moderation import journal


def _actor(db: Session, name: str | None) -> Any:
    """The moderator acting: the named account, else the built-in system account."""
    if not name:
        return accounts.system_account(db)
    user = accounts.find_user(db, name)
    if user is None:
        raise click.UsageError(f"no account named {name!r}")
    return user


@click.command(
    "rollback",
    help="Annuler tout ce qu'un compte, une session anonyme ou une période a fait (pages, fiches, formulaires, "
    "fichiers), en une action inscrite au journal de modération et qui peut elle-même être annulée.",
)
@click.option("--user", "user_name", help="Compte(s) dont les modifications sont annulées : NOM ou NOM,NOM,…")
@click.option("--anonymous", "alias", help="Pseudonyme d'une session anonyme (les 8 caractères après « Anonyme »).")
@click.option(
    "--since", help="Début de la période (date et heure ISO, dans le fuseau de l'instance sauf décalage indiqué)."
)
@click.option("--until", help="Fin de la période, exclue (même forme).")
@click.option("--reason", default="", help="Motif inscrit au journal de modération public.")
@click.option("--as", "as_name", help="Compte de modérateur au nom duquel agir (par défaut : le compte système).")
@click.option("--dry-run", is_flag=True, help="Afficher le plan sans rien changer.")
@with_appcontext
def rollback_command(
    user_name: str | None,
    alias: str | None,
    since: str | None,
    until: str | None,
    reason: str,
    as_name: str | None,
    dry_run: bool,
) -> None:
    """Undo everything an account, an anonymous session or a time window did (combined when several are given)."""
    args = {"auteur": user_name or "", "anonyme": alias or "", "depuis": since or "", "jusqua": until or ""}
    db = Database.new_session()
    try:
        started = time.perf_counter()
        target = rollback.read_target(
            db, args, secret=current_app.config["SECRET_KEY"], timezone=current_app.config["DEFAULT_TIMEZONE"]
        )
        if target.empty:
            raise click.UsageError("give --user, --anonymous, --since or --until")
        plan = rollback.plan_rollback(db, target)
        db.rollback()
        planned = time.perf_counter()
        click.echo(
            f"{plan.changes} change(s) to undo: {plan.count('page')} page(s), {plan.count('record')} record(s), "
            f"{plan.count('form')} form(s), {plan.count('attachment')} file(s); {len(plan.conflicts)} left alone "
            f"(planned in {planned - started:.2f} s)"
        )
        for step in plan.conflicts:
            click.echo(f"  left alone: {step.kind} {step.object_id} {step.title!r}: {step.note}")
        if dry_run or not plan.steps:
            return
        entry = rollback_apply.apply_rollback(
            db,
            plan,
            actor=_actor(db, as_name),
            policy=current_app.config["EDIT_POLICY"],
            reason=reason,
            checkpoint=db.commit,
        )
        db.commit()
        click.echo(
            f"moderation log entry {entry.id}: {entry.details['summary']} ({time.perf_counter() - planned:.2f} s)"
        )
    except LieuditError as err:
        db.rollback()
        raise click.ClickException(str(err)) from err
    finally:
        db.close()


@click.command("undo", help="Annuler l'annulation en masse inscrite au journal de modération sous le numéro ENTRY_ID.")
@click.argument("entry_id", type=int)
@click.option("--reason", default="", help="Motif inscrit au journal de modération public.")
@click.option("--as", "as_name", help="Compte de modérateur au nom duquel agir (par défaut : le compte système).")
@with_appcontext
def undo_command(entry_id: int, reason: str, as_name: str | None) -> None:
    """Undo the mass rollback recorded as moderation log entry ENTRY_ID."""
    db = Database.new_session()
    try:
        entry = journal.get_entry(db, entry_id)
        if entry is None:
            raise click.ClickException(f"no moderation log entry {entry_id}")
        undo = rollback_apply.undo_rollback(
            db,
            entry,
            actor=_actor(db, as_name),
            policy=current_app.config["EDIT_POLICY"],
            reason=reason,
            checkpoint=db.commit,
        )
        db.commit()
        click.echo(f"moderation log entry {undo.id}: {undo.details['summary']}")
    except LieuditError as err:
        db.rollback()
        raise click.ClickException(str(err)) from err
    finally:
        db.close()


digests_cli = AppGroup("digests", help="Résumés par courriel des suivis.")


@digests_cli.command(
    "send",
    help="Préparer et envoyer les résumés dus (quotidiens ou hebdomadaires) de ce qui a changé dans les suivis.\n\n"
    "À lancer par cron, par exemple chaque heure : chacun reçoit au plus un résumé par jour ou par semaine.",
)
def send_digests_command() -> None:
    """Queue each due digest; the messages leave after each commit."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not mail.mail_enabled(app.config):
        raise click.ClickException(
            "Aucun serveur de courriel configuré (MAIL_SERVER) : ce wiki n'envoie pas de résumés."
        )
    db = Database.new_session()
    try:
        with app.test_request_context("/"):
            report = digests.send_digests(
                db,
                secret=app.config["SECRET_KEY"],
                link=lambda item: change_url(item, external=True),
                unsubscribe_url=lambda token: url_for("watch.unsubscribe", token=token, _external=True),
            )
    finally:
        db.close()
    delivery.wait_for_sender(app)  # the messages leave before the command ends
    click.echo(f"{report.sent} résumé(s) envoyé(s), {report.empty} sans nouveauté.")
    for error in report.errors:
        click.echo(error, err=True)


def init_app(app: Flask) -> None:
    """Add ``rollback`` and ``undo`` to the ``moderation`` command group (created when no other module made it), and ``digests``."""
    group = app.cli.commands.get("moderation")
    if not isinstance(group, click.Group):
        group = AppGroup("moderation", help="Modération : annulation en masse et son annulation.")
        app.cli.add_command(group)
    group.add_command(rollback_command)
    group.add_command(undo_command)
    app.cli.add_command(digests_cli)
