"""Plain words for every command run against a database that has no tables yet."""

from __future__ import annotations

import functools

import click
from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError

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
