"""`flask frameworks …`: import and export competency frameworks as YAML or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import bp, services
from .files import (
    FileFormatError,
    dump_framework_csv,
    dump_framework_yaml,
    load_framework,
    write_framework,
)


@bp.cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Create or update a framework from FILE (.yaml or .csv), matched by its code.

    Nothing changes if the file has any problem; every problem is listed with its line.
    """
    try:
        spec = load_framework(file)
    except FileFormatError as error:
        raise click.ClickException(f"{file} was not imported:\n{error}") from None
    click.echo(services.import_framework(spec).summary())


@bp.cli.command("export")
@click.argument("code")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (.yaml or .csv); standard output (YAML) if omitted.",
)
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV to standard output instead of YAML.")
def export_command(code: str, out: Path | None, as_csv: bool) -> None:
    """Write the framework CODE back to a file, for editing or for git."""
    framework = services.find_framework(code)
    if framework is None:
        raise click.ClickException(f"no framework with code {code!r}")
    spec = services.framework_to_spec(framework)
    if out is None:
        sys.stdout.write(dump_framework_csv(spec) if as_csv else dump_framework_yaml(spec))
        return
    write_framework(spec, out)
    click.echo(f"Wrote {out}")


@bp.cli.command("list")
def list_command() -> None:
    """List the frameworks in the database."""
    for framework in services.list_frameworks():
        click.echo(f"{framework.code:<12} {framework.name} ({framework.version or 'no version'})")
