"""`flask demo load`: the demo programme for `make run`; and plain words for every command
run against a database that has no tables yet."""

from __future__ import annotations

import functools

import click
from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError

from app import demo
from app.coaching.demo import load_demo_coaching
from app.groups.demo import load_demo_groups
from app.learning.demo import load_demo_content
from app.programmes.demo import load_demo_programme
from app.studio.demo import load_demo_studio

from . import bp


@bp.cli.command("load")
def load_command() -> None:
    """Load the demo people (and whatever demo content the areas provide); safe to run again."""
    created = 0
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for person, was_created in demo.load_people():
        created += was_created
        click.echo(f"  {person.identifier:<22} {person.name:<16} {', '.join(person.roles)}")
    click.echo(
        f"{created} demo account(s) created." if created else "Demo accounts already loaded."
    )

    for line in [*load_demo_content(), *load_demo_studio()]:
        click.echo(line)
    for line in load_demo_groups():  # after the lessons: one thread is about a lesson
        click.echo(line)
    for line in load_demo_coaching():
        click.echo(line)
    click.echo(load_demo_programme())


NO_SCHEMA = (
    "The database has no tables yet. Create them with "
    "`flask --app app:create_app db upgrade` (`make run` does this), then run the command again."
)


def _no_such_table(error: Exception) -> bool:
    text = str(getattr(error, "orig", error))
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _guard(command: click.Command) -> None:
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _guard(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, "explains_missing_schema", False):
        return  # (blueprint command groups are shared by every app made in one process)

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (OperationalError, ProgrammingError) as error:
            if not _no_such_table(error):
                raise
            raise click.ClickException(NO_SCHEMA) from None

    guarded.explains_missing_schema = True
    command.callback = guarded


def explain_missing_schema(app: Flask) -> None:
    """Our commands (not Flask-Migrate's) say how to create the tables instead of a traceback."""
    for name, command in app.cli.commands.items():
        if name != "db":
            _guard(command)
