"""`flask coaching …`: pair coaches with leaders, list pairings, send reminders."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from app.accounts import services as accounts

from . import bp, services


def _person(identifier: str):
    try:
        user = accounts.find_user(identifier)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    if user is None:
        raise click.ClickException(f"No account has the email or phone number {identifier!r}.")
    return user


@bp.cli.command("pair")
@click.argument("coach")
@click.argument("leaders", nargs=-1, required=True)
def pair_command(coach: str, leaders: tuple[str, ...]) -> None:
    """Make COACH the coach of each of LEADERS (emails or phone numbers)."""
    coach_user = _person(coach)
    for identifier in leaders:
        leader = _person(identifier)
        try:
            services.pair(coach_user, leader)
        except services.CoachingError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{coach_user.display_name} coaches {leader.display_name}.")


@bp.cli.command("unpair")
@click.argument("leader")
def unpair_command(leader: str) -> None:
    """LEADER has no coach any more (their coaching record is kept)."""
    user = _person(leader)
    if services.unpair(user):
        click.echo(f"{user.display_name} has no coach now.")
    else:
        click.echo(f"{user.display_name} had no coach.")


@bp.cli.command("list")
def list_command() -> None:
    """Every pairing, coach by coach."""
    overview = services.pairings_overview()
    if not overview.pairings:
        click.echo("No pairings yet.")
    for coach, leader in overview.pairings:
        click.echo(f"{coach.display_name:<30} → {leader.display_name}")


@bp.cli.command("remind")
@click.option(
    "--now",
    "now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
    help="Pretend it is this UTC time (for trying reminders out).",
)
def remind_command(now: datetime | None) -> None:
    """Send due reminders (check-ins soon, preparations missing, actions overdue) once each;
    the job queue does this every few minutes."""
    sent = services.send_reminders(now.replace(tzinfo=UTC) if now else None)
    click.echo(
        f"Reminders sent: {sent.check_ins_soon} check-in, {sent.preparations} preparation, "
        f"{sent.overdue_actions} overdue action."
    )
