"""Telling people what happened, and what they have not read yet.

An area registers each kind of notification once, with its wording::

    services.kind("groups.reply", N_("%(name)s replied in “%(thread)s”"))

and says what happened inside its own unit of work (``notify`` never commits)::

    notify(user_id, "groups.reply", url=url_for(...), dedupe_key=f"post:{post.id}",
           name=author.display_name, thread=thread.title)

The text is worded when shown, in the reader's language; ``params`` keep their values. A
moment among them is kept as ISO 8601 in UTC (:func:`moment`) and named in ``kind(...,
moments=("when",))``: it is written when shown too, on the reader's clock
(:func:`app.i18n.format_appointment`).
A person's name in them is forgotten when their data is erased (:func:`forget_names`,
called by the area that wrote it): it then reads "a former member".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from flask import g
from flask_babel import gettext
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import registry
from app.db import upsert, utcnow
from app.extensions import db
from app.i18n import format_appointment
from app.units import building_block

from .models import Notification

PER_PAGE = 20
_KINDS: dict[str, str] = {}
_MOMENTS: dict[str, tuple[str, ...]] = {}
_WITHDRAW: dict[str, Callable[[], object]] = {}


def kind(
    name: str,
    template: str,
    *,
    moments: tuple[str, ...] = (),
    withdraw: Callable[[], object] | None = None,
) -> None:
    """Register how a kind of notification reads (an ``N_()`` template over its params);
    ``moments`` name the params that are moments (``moment.isoformat()``). ``withdraw``,
    for a kind worth telling only while something holds (a reminder that a review is due):
    deletes those of the kind, unread, that no longer are (:func:`withdraw_moot`)."""
    _KINDS[name] = template
    _MOMENTS[name] = moments
    if withdraw is not None:
        _WITHDRAW[name] = withdraw


@building_block
def withdraw_moot() -> None:
    """Delete the unread notifications no longer worth telling, by each kind's ``withdraw``:
    the digest runs it before it e-mails what is unread. Part of the caller's unit of work."""
    for withdraw in _WITHDRAW.values():
        withdraw()


def moment(value: datetime) -> str:
    """A moment as a notification's param (name it in ``kind(..., moments=…)``): kept as
    ISO 8601 in UTC, written when the notification is read."""
    return value.astimezone(UTC).isoformat()


@building_block
def notify(user_id: int, kind: str, *, url: str, dedupe_key: str | None = None, **params) -> None:
    """Tell ``user_id`` that ``kind`` happened; ``url`` is the path it opens. With a
    ``dedupe_key``, telling the same person the same thing again changes nothing.
    Part of the caller's unit of work: never commits."""
    values = _values(user_id, kind, url, dedupe_key, params)
    if dedupe_key is None:
        db.session.add(Notification(**values))
        db.session.flush()
    else:
        upsert(Notification, values, key=("user_id", "dedupe_key"))


def _values(user_id: int, kind: str, url: str, dedupe_key: str | None, params: dict) -> dict:
    """A notification's row, once its kind and path are checked."""
    if kind not in _KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; register it with services.kind")
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"a notification opens a path on this site, not {url!r}")
    return {
        "user_id": user_id,
        "kind": kind,
        "params": params,
        "url": url,
        "dedupe_key": dedupe_key,
        "created_at": utcnow(),
    }


class Notice(NamedTuple):
    """One person to tell, and what (:func:`notify_each`)."""

    user_id: int
    kind: str
    dedupe_key: str | None = None


@building_block
def notify_each(notices: Iterable[Notice], *, url: str, **params) -> None:
    """Tell each person of one event what it is to them (a post's mentions, its thread's
    author), with the same ``url`` and ``params``: one ``INSERT`` however many they are,
    where :func:`notify` for each would be one apiece. As there, a notice whose
    ``dedupe_key`` its person was given already changes nothing. Part of the caller's unit
    of work: never commits."""
    notify_apiece(Message(n.user_id, n.kind, url, n.dedupe_key, params) for n in notices)


class Message(NamedTuple):
    """One person to tell, and what, with its own path and parameters (:func:`notify_apiece`)."""

    user_id: int
    kind: str
    url: str
    dedupe_key: str | None
    params: dict


@building_block
def notify_apiece(messages: Iterable[Message]) -> int:
    """Tell each person their own thing (each overdue action its owner): one ``INSERT``
    however many they are; a message whose ``dedupe_key`` its person was given already
    changes nothing. How many were new. Part of the caller's unit of work: never commits."""
    rows = [_values(m.user_id, m.kind, m.url, m.dedupe_key, m.params) for m in messages]
    if not rows:
        return 0
    # Counted by RETURNING: a multi-row INSERT's rowcount is -1 on psycopg.
    statement = _insert_but_told().values(rows).returning(Notification.__table__.c.id)
    return len(db.session.execute(statement).all())


def _insert_but_told():
    """An INSERT of notifications that leaves out each whose person has its dedupe key."""
    dialect = db.session.get_bind(mapper=Notification).dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    return insert(Notification.__table__).on_conflict_do_nothing(
        index_elements=["user_id", "dedupe_key"]
    )


@building_block
def notify_many(user_ids: list[int], kind: str, *, url: str, dedupe_key: str, **params) -> None:
    """Tell each of ``user_ids`` the same thing (a daily reminder to thousands at once) as
    one batch of inserts, returning nothing; with its ``dedupe_key``, those already told are
    left as they were. Part of the caller's unit of work: never commits."""
    if not user_ids:
        return
    notify(user_ids[0], kind, url=url, dedupe_key=dedupe_key, **params)  # checks it, once
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "params": params,
            "url": url,
            "dedupe_key": dedupe_key,
            "created_at": now,
        }
        for user_id in user_ids[1:]
    ]
    statement = _insert_but_told()
    for start in range(0, len(rows), 5000):
        db.session.execute(statement, rows[start : start + 5000])


def text(notification: Notification) -> str:
    """The notification in the reader's language."""
    template = _KINDS.get(notification.kind)
    if template is None:
        return gettext("Something happened.")
    moments = _MOMENTS.get(notification.kind, ())
    params = {
        name: _param_text(value, moment=name in moments)
        for name, value in (notification.params or {}).items()
    }
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):
        return gettext(template)


def _param_text(value, *, moment: bool):
    if value is None:  # an erased person's name
        return gettext("a former member")
    if moment:
        try:
            return format_appointment(datetime.fromisoformat(value))
        except (TypeError, ValueError):  # worded when it was sent, before moments were kept
            return value
    return value


@building_block
def forget_names(where, param: str) -> None:
    """Erasure: in the notifications ``where`` selects, ``param`` (the erased person's name)
    is forgotten and reads "a former member". Part of the caller's unit of work."""
    for notification in db.session.scalars(select(Notification).where(where)):
        if notification.params.get(param) is not None:
            notification.params = {**notification.params, param: None}
    db.session.flush()


@functools.cache
def _unread_statement():
    """Built once: on every page, building it again cost more than running it."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    )


def unread_count(user) -> int:
    """Unread notifications of ``user``, counted once per request (the badge on every page):
    for the signed-in person, with their load (:func:`_unread_column`)."""
    cache = g.setdefault("_unread_notifications", {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(_unread_statement(), {"user_id": user.id})
    return cache[user.id]


def _unread_column(user_id):
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def _received_unread(user_id: int, count: int) -> None:
    g.setdefault("_unread_notifications", {})[user_id] = count


# The badge is on every page: counted in the signed-in person's own statement.
registry.person_column("unread_notifications", _unread_column, _received_unread)


@dataclass
class Page:
    notifications: list[Notification]
    next_before: int | None  # the id to ask for the following (older) page with


def recent(user, before: int | None = None) -> Page:
    """A page of ``user``'s notifications, newest first, older than id ``before``."""
    query = select(Notification).where(Notification.user_id == user.id)
    if before is not None:
        query = query.where(Notification.id < before)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(PER_PAGE + 1)))
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    return Page(rows, rows[-1].id if more else None)


def open_notification(user, notification_id: int) -> str | None:
    """Mark one of ``user``'s notifications read and give the path it opens (None when it is
    not theirs). Commits."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        return None
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.commit()
    return row.url


def mark_all_read(user, now: datetime | None = None) -> int:
    """Everything ``user`` has been told so far is read. Commits; repeating it is harmless."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    db.session.commit()
    g.pop("_unread_notifications", None)
    return result.rowcount
