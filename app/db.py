"""Database helpers shared by every area: UTC timestamps, SQLite connection settings, the
upsert that lets two requests write the same row at once, and telling a database that is
away from a statement that is wrong."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, DateTime, Select, bindparam, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.types import TypeDecorator

from app.extensions import db
from app.logs import log_event
from app.units import building_block


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend.

    SQLite stores no offset, so values are normalised to UTC on the way in and
    given back their UTC tzinfo on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """WAL lets readers and the in-process worker write side by side; the busy
    timeout makes a writer wait for the lock instead of failing at once."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app) -> None:
    """Each new SQLite connection of ``app``'s engine flushes to disk as
    ``SQLITE_SYNCHRONOUS`` says (``app/config.py`` says why NORMAL)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    pragma = f"PRAGMA synchronous={app.config['SQLITE_SYNCHRONOUS']}"

    def durability(dbapi_connection, _record) -> None:
        dbapi_connection.execute(pragma)

    event.listen(engine, "connect", durability)


_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
T = TypeVar("T")


@building_block
def upsert(
    model: type[T],
    values: Mapping[str, Any] | list[Mapping[str, Any]],
    *,
    key: Iterable[str],
    update: Iterable[str] | Mapping[str, Any] = (),
    where: ColumnElement[bool] | None = None,
) -> list[T]:
    """Insert rows of ``model``; a row whose ``key`` columns match one already there
    (a unique constraint or index) updates that row instead. One ``INSERT … ON CONFLICT`` on
    SQLite and PostgreSQL, so two requests racing to create the same row (a double tap)
    both succeed and leave one, where a select-then-insert fails the second with the
    unique constraint.

    ``update`` names the columns an existing row takes from the new one, or maps columns
    to values and expressions over the existing row (``{"attempts": Model.attempts + 1}``);
    empty, an existing row is left as it is. ``where`` limits the update to existing rows
    it holds for. Returns the rows inserted or updated, as they now stand in the database
    and in the session; a row left as it was is not among them. Never commits.
    """
    dialect = db.session.get_bind(mapper=model).dialect.name
    statement = _INSERTS[dialect](model).values(values)
    if isinstance(update, Mapping):
        assignments = dict(update)
    else:
        assignments = {column: statement.excluded[column] for column in update}
    if assignments:
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_=assignments, where=where
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    return list(
        db.session.scalars(
            statement.returning(model), execution_options={"populate_existing": True}
        )
    )


@building_block
def upsert_from_select(
    model: type[T],
    columns: list[str],
    rows: Select,
    *,
    key: Iterable[str],
    update: Iterable[str],
) -> list[T]:
    """:func:`upsert` of the rows a ``SELECT`` gives (its columns in the order of
    ``columns``), so what the row needs from other tables, and whether it may be written at
    all, is read and written in one statement: no rows selected, nothing written (and an
    empty list). ``rows`` must have a ``WHERE`` (SQLite cannot otherwise tell its end from
    the ``ON CONFLICT``). Never commits."""
    dialect = db.session.get_bind(mapper=model).dialect.name
    statement = upsert_from_select_statement(dialect, model, columns, rows, key=key, update=update)
    return list(
        db.session.scalars(
            statement.returning(model), execution_options={"populate_existing": True}
        )
    )


def upsert_statement(
    dialect: str,
    table,
    values: Mapping[str, str],
    *,
    key: Iterable[str],
    update: Iterable[str],
    where: ColumnElement[bool] | None = None,
):
    """What :func:`upsert` runs, for ``dialect`` (``"sqlite"``, ``"postgresql"``), on a
    ``table``, without ``RETURNING``: for a write made so often that the statement is built
    once. ``values`` maps each column to the name of the parameter its value is bound to at
    execution (a name of its own: SQLAlchemy keeps a column's name for itself); ``where``
    may bind the same names."""
    statement = _INSERTS[dialect](table).values(
        {column: bindparam(name, type_=table.c[column].type) for column, name in values.items()}
    )
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={column: statement.excluded[column] for column in update},
        where=where,
    )


def upsert_from_select_statement(
    dialect: str,
    model,
    columns: list[str],
    rows: Select,
    *,
    key: Iterable[str],
    update: Iterable[str],
):
    """The statement :func:`upsert_from_select` runs, for ``dialect`` (``"sqlite"``,
    ``"postgresql"``), without ``RETURNING``: for a write made so often that the statement is
    built once and its values bound each time. ``model`` may be a table: an ORM statement
    takes values given at execution for rows to insert, where a table's binds them."""
    statement = _INSERTS[dialect](model).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={column: statement.excluded[column] for column in update}
    )


def commit_keeping(*rows) -> None:
    """Commit, keeping ``rows`` (those of them in the session) as they stand: the commit
    expires everything else, so a page drawn after it from these rows (the post just
    written, its thread, the writer) reads them again in no statement. They stay in the
    session; a row changed in the database behind the ORM's back (an ``UPDATE`` of
    counters) must have those attributes expired by its caller. Should the commit fail,
    they are left out of the session, as the request that made them is ending in an
    error."""
    kept = [row for row in rows if row is not None and row in db.session]
    db.session.flush()
    for row in kept:
        if row in db.session:  # not gone already with another's (a person's roles)
            db.session.expunge(row)
    db.session.commit()
    for row in kept:
        db.session.add(row)


# SQLite calls a wrong statement ("no such table") and a database that cannot take one now
# by the same name, OperationalError; these are the second kind.
_SQLITE_AWAY = (
    "database is locked",
    "database or disk is full",
    "disk i/o error",
    "unable to open",
)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database is away — restarting, unreachable, this
    connection cut, locked past the busy timeout, its disk full — rather than that the code
    asked something wrong: the person should be told to try again shortly."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        return any(words in str(error.orig).lower() for words in _SQLITE_AWAY)
    # psycopg: an OperationalError is the server or the way to it (refused, shutting down,
    # the connection ended, no connection slots left, a statement cancelled); an
    # InterfaceError a connection already closed.
    return True


def end_session(exc: BaseException | None) -> None:
    """End the request's session before Flask-SQLAlchemy's own teardown does (teardowns run
    last registered first). Its rollback on a connection the server has just ended raises,
    and out of a teardown that reaches the WSGI server, which then answers a bare 500 in
    place of the page already made. The connection is gone either way: throw it away."""
    try:
        db.session.remove()
    except DBAPIError as error:
        log_event("database_connection_lost", logging.WARNING, error=type(error.orig).__name__)
        with contextlib.suppress(DBAPIError):
            db.session().invalidate()  # not back into the pool, whatever state it is in
        db.session.registry.clear()
