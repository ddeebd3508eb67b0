"""`flask groups digest`: the daily e-mail of what people have not read, by hand (the job
queue also sends it every day, `app/groups/tasks.py`)."""

from __future__ import annotations

import click

from . import bp
from .services import digest


@bp.cli.command("digest")
def digest_command() -> None:
    """E-mail each person with an address the notifications they have not read or been
    sent yet (the job queue also does it daily; does nothing without HEADWAY_SMTP_HOST)."""
    try:
        result = digest.send_digests()
    except digest.DigestError as error:
        raise click.ClickException(str(error)) from None
    click.echo(result.summary())
