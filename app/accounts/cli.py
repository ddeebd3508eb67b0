"""`flask users …`: accounts for operators and scripts."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.extensions import db
from app.roles import Role
from app.urls import public_url

from . import bp, services
from .models import User

ROLE_CHOICE = click.Choice([r.value for r in Role])


def _identifiers(identifier: str) -> dict:
    return {"phone": identifier} if services.is_phone(identifier) else {"email": identifier}


def _print_code(issued: services.IssuedCode, what: str) -> None:
    link = public_url("accounts.accept_invitation", token=issued.token)
    person = issued.access_code.user
    click.echo(
        f"{what} for {person.display_name} (expires {issued.access_code.expires_at:%Y-%m-%d %H:%M} UTC)"
    )
    if what == "Invitation":
        click.echo(f"  link: {link}")
    click.echo(f"  code: {issued.display_code}")


def _fail(error: services.AccountError):
    raise click.ClickException(str(error))


@bp.cli.command("create")
@click.argument("identifier")
@click.option("--name", required=True, help="The person's name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=ROLE_CHOICE,
    default=["leader"],
    show_default=True,
    help="Repeat for several roles.",
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_command(identifier: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create an account that can sign in at once (IDENTIFIER is an email or a phone number)."""
    try:
        user = services.create_user(
            name=name, roles=roles, password=password, **_identifiers(identifier)
        )
    except services.AccountError as error:
        _fail(error)
    click.echo(f"Created {user.display_name} ({', '.join(sorted(user.roles))}).")


@bp.cli.command("invite")
@click.argument("identifier")
@click.option("--name", default="", help="The person's name, if known.")
@click.option(
    "--role", "roles", multiple=True, type=ROLE_CHOICE, default=["leader"], show_default=True
)
def invite_command(identifier: str, name: str, roles: tuple[str, ...]) -> None:
    """Invite someone by email or phone number; prints the link and the short code to send them."""
    try:
        issued = services.invite(name=name, roles=roles, **_identifiers(identifier))
    except services.AccountError as error:
        _fail(error)
    _print_code(issued, "Invitation")


@bp.cli.command("reset-code")
@click.argument("identifier")
def reset_code_command(identifier: str) -> None:
    """Issue a one-time password reset code (or a fresh invitation if not yet accepted)."""
    try:
        user = services.find_user(identifier)
    except services.AccountError as error:
        _fail(error)
    if user is None:
        raise click.ClickException(f"No account has the email or phone number {identifier!r}.")
    if user.has_accepted:
        _print_code(services.issue_reset_code(user, None), "Reset code")
    else:
        _print_code(services.reissue_invitation(user, None), "Invitation")


@bp.cli.command("list")
def list_command() -> None:
    """List accounts with their roles."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        state = "" if user.has_accepted else " (invited)"
        click.echo(
            f"{user.id:>4}  {user.display_name:<30} {user.email or user.phone or '':<30} "
            f"{','.join(sorted(user.roles))}{state}"
        )
