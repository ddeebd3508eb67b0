"""What leaders are shown of the published content, kept by each process, and the version
that tells every process when its copy is out of date.

Published course structure (courses, modules, lessons, their questions and translations,
competency frameworks) changes when an author publishes or an import runs, a few times a
day; leaders read it on every request. So each process keeps it as plain immutable data
(:func:`cached`), under the version of the content it was read at, and reads it again only
when the version in the database differs.

The version is a number in a one-row table, ``published_version``. Whatever writes content
changes it in the same transaction, so every process sees the new number exactly when it
can see the new content. Areas name the models whose rows are published content
(:func:`watch`); a session hook then gives a flush or a bulk statement that adds, changes
or deletes one of their rows a new version, and no writer needs to remember to. The new
number is random, not the old one plus one: a transaction that rolls back may have been
read by its own process in the meantime, and its number must never come round again.

Reading the version costs no statement of its own on a signed-in request: the person's
load carries it (:func:`version_column`, ``accounts.load_signed_in_user``), and the
request keeps it (:func:`note_version`). Elsewhere it is read at most once per request,
and on every call outside one (commands, jobs, tests), which see the database as it is.

What is kept must be plain data that threads and greenlets may share (frozen dataclasses,
tuples, read-only mappings), never ORM rows, which belong to one session.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import BigInteger, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

T = TypeVar("T")

_ROW_ID = 1
_G_KEY = "_published_version"
_APP_KEY = "published_cache"
_CHANGED = "published_changed"


class PublishedVersion(db.Model):
    """One row: the version of the published content. Its number means nothing but itself."""

    __tablename__ = "published_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<PublishedVersion {self.version}>"


_WATCHED_CLASSES: set[type] = set()
_WATCHED_TABLES: set[str] = set()


def watch(*models: type) -> None:
    """Rows of these models are published content: writing one changes the version."""
    for model in models:
        _WATCHED_CLASSES.add(model)
        _WATCHED_TABLES.add(model.__table__.name)


# --- reading the version ---------------------------------------------------------------------


def version_column():
    """The version as a column, to fold into a statement a request makes anyway."""
    return (
        select(PublishedVersion.version)
        .where(PublishedVersion.id == _ROW_ID)
        .scalar_subquery()
        .label("published_version")
    )


def note_version(version: int | None) -> None:
    """The version a statement of this request read (:func:`version_column`)."""
    if has_request_context():
        setattr(g, _G_KEY, (version,))


def current_version() -> int | None:
    """The version of the published content, None before anything was ever published (then
    nothing is kept). Read once per request; on every call outside one."""
    if has_request_context():
        known = g.get(_G_KEY)
        if known is not None:
            return known[0]
    version = db.session.scalar(
        select(PublishedVersion.version).where(PublishedVersion.id == _ROW_ID)
    )
    note_version(version)
    return version


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """What ``build()`` gives, kept by this process while the version stays the same.

    ``build`` reads the content after the version was read, so what it keeps is at least as
    new as the version it is kept under: at worst newer, and then read again at the next
    request, which sees the newer version. Two requests may build the same thing at once
    after a change; both results are right, and one is kept.
    """
    version = current_version()
    if version is None:
        return build()
    app = current_app._get_current_object()
    store = app.extensions.get(_APP_KEY)
    if store is None or store[0] != version:
        store = (version, {})
        app.extensions[_APP_KEY] = store  # the old version's entries go with it
    try:
        return store[1][key]
    except KeyError:
        value = build()
        store[1][key] = value
        return value


# --- changing it ------------------------------------------------------------------------------

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def bump(connection) -> None:
    """A new version, in the transaction of ``connection``. One statement."""
    version = secrets.randbits(62)
    statement = (
        _INSERTS[connection.dialect.name](PublishedVersion.__table__)
        .values(id=_ROW_ID, version=version)
        .on_conflict_do_update(index_elements=["id"], set_={"version": version})
    )
    connection.execute(statement)
    _forget_version()  # this request reads the new one, with what it wrote


def _forget_version() -> None:
    if has_app_context():
        g.pop(_G_KEY, None)


def _is_watched(instance) -> bool:
    return type(instance) in _WATCHED_CLASSES


@event.listens_for(Session, "before_flush")
def _note_content_changes(session: Session, flush_context, instances) -> None:
    changed = any(_is_watched(obj) for obj in session.new) or any(
        _is_watched(obj) for obj in session.deleted
    )
    changed = changed or any(
        _is_watched(obj) and session.is_modified(obj, include_collections=False)
        for obj in session.dirty
    )
    if changed:
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_flush")
def _bump_after_content_flush(session: Session, flush_context) -> None:
    if session.info.pop(_CHANGED, False):
        bump(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _bump_for_bulk_statements(state) -> None:
    """``update(Lesson)…``, ``insert(Course)``, ``delete(Competency)…`` through the session."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _WATCHED_TABLES:
        bump(state.session.connection())


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    """A version this request drew and read, then rolled back, is no version at all: read
    the one that stands (what was kept under the other is never served again)."""
    session.info.pop(_CHANGED, None)
    _forget_version()
