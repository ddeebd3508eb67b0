"""``flask backup create FOLDER`` and ``flask backup restore FOLDER``."""

from __future__ import annotations

from pathlib import Path

import click

from . import bp
from .backup import BackupError, Summary, create_backup, restore_backup


@bp.cli.group("backup")
def backup_group() -> None:
    """Back up the database and local media, or restore them."""


def _report(verb: str, summary: Summary) -> None:
    click.echo(
        f"{verb} the {summary.database} database and {summary.media_files} media file(s) "
        f"{'into' if verb == 'Copied' else 'from'} {summary.folder}."
    )
    if summary.media_note:
        click.echo(f"Note: {summary.media_note}.")
    if summary.key_note:
        click.echo(f"Note: {summary.key_note}.")
    elif verb == "Copied":
        click.echo(
            "The backup holds the instance's secret key: keep it as you would the key itself "
            "(it is readable by its owner only)."
        )
    else:
        click.echo("Restored the instance's secret key: leaders stay signed in.")


@backup_group.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def create_command(folder: Path) -> None:
    """Copy the database (a consistent snapshot, while the app runs) and local media into
    FOLDER, which must be new or empty."""
    try:
        _report("Copied", create_backup(folder))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@backup_group.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces the whole database. Go on?")
def restore_command(folder: Path) -> None:
    """Replace this instance's database with the backup in FOLDER and put its media back.
    Stop the web and worker processes first; afterwards run `flask db upgrade`."""
    try:
        _report("Restored", restore_backup(folder))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo("Now run `flask db upgrade` in case this code is newer than the backup.")
