"""`flask studio …`: housekeeping for the studio's uploads."""

from __future__ import annotations

import click

from . import bp, services


@bp.cli.command("expire-uploads")
def expire_uploads_command() -> None:
    """Remove resumable uploads left unfinished past their expiry, and their bytes."""
    click.echo(f"Removed {services.expire_uploads()} expired uploads")
