"""The daily e-mail digest: to each person with an e-mail address, the notifications they
have neither read nor been sent, worded in their language. Nothing is sent unless
``SMTP_HOST`` is set.

It runs daily as a periodic task on the app's job queue (``app/groups/tasks.py``), where
every consumer enqueues it, and by hand as ``flask groups digest``. So that two runs at once
send each notification once, a run first claims a person's notifications (sets
``emailed_at`` where it is still empty, committed) and sends only what it claimed; a failed
send hands its claim back. Before that, notifications worth telling only while something
holds (a reminder that a review is due) and that no longer are, are withdrawn
(``notifications.withdraw_moot``).

Settings (``HEADWAY_``-prefixed in the environment): ``SMTP_HOST``, ``SMTP_PORT`` (25),
``SMTP_USERNAME`` and ``SMTP_PASSWORD`` (both or neither), ``SMTP_STARTTLS`` (false),
``SMTP_FROM`` (``headway@`` the public host).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from itertools import groupby
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import select, update

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.i18n import reader
from app.notifications import services as notifications
from app.notifications.models import Notification

MAX_PER_DIGEST = 50


class DigestError(RuntimeError):
    """The mail server could not be reached or refused us."""


@dataclass
class DigestResult:
    sent: list[str] = field(default_factory=list)  # addresses
    configured: bool = True

    def summary(self) -> str:
        if not self.configured:
            return "No digest sent: HEADWAY_SMTP_HOST is not set."
        return f"{len(self.sent)} digest(s) sent."


def _settings() -> dict:
    config = current_app.config
    host = urlsplit(config["PUBLIC_URL"]).hostname or "localhost"
    return {
        "host": config["SMTP_HOST"],
        "port": int(config["SMTP_PORT"]),
        "username": config["SMTP_USERNAME"],
        "password": config["SMTP_PASSWORD"],
        "starttls": bool(config["SMTP_STARTTLS"]),
        "sender": config["SMTP_FROM"] or f"headway@{host}",
    }


def _pending() -> list[tuple[User, list[int]]]:
    """Each person with something to send, and the ids of up to MAX_PER_DIGEST of it."""
    rows = db.session.execute(
        select(User.id, Notification.id)
        .join(Notification, Notification.user_id == User.id)
        .where(
            User.email.is_not(None),
            User.active.is_(True),
            Notification.read_at.is_(None),
            Notification.emailed_at.is_(None),
        )
        .order_by(User.id, Notification.id)
    ).all()
    # Grouped by the id, a number: people loaded here are not signed in, and comparing
    # them once asked Flask-Login for a sign-in (a RuntimeError, so no digest went out).
    by_user = {
        user_id: [n for _u, n in items][:MAX_PER_DIGEST]
        for user_id, items in groupby(rows, key=lambda row: row[0])
    }
    users = db.session.scalars(select(User).where(User.id.in_(by_user))).all()
    return [(user, by_user[user.id]) for user in sorted(users, key=lambda u: u.id)]


def _claim(ids: list[int]) -> list[Notification]:
    """The notifications among ``ids`` no other run has claimed, now marked sent. Commits."""
    claimed = db.session.scalars(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=utcnow())
        .returning(Notification.id)
    ).all()
    db.session.commit()
    return db.session.scalars(
        select(Notification).where(Notification.id.in_(claimed)).order_by(Notification.id)
    ).all()


def _unclaim(items: list[Notification]) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_([n.id for n in items]))
        .values(emailed_at=None)
    )
    db.session.commit()


def _message(user: User, items: list[Notification], sender: str) -> EmailMessage:
    base = urlsplit(current_app.config["PUBLIC_URL"])
    origin = f"{base.scheme}://{base.netloc}"
    # In their language, and any time on their clock.
    with reader(user.locale, user.timezone):
        lines = [f"- {notifications.text(n)}\n  {origin}{n.url}" for n in items]
        message = EmailMessage()
        message["Subject"] = ngettext(
            "Headway: %(num)d new notification", "Headway: %(num)d new notifications", len(items)
        )
        message["From"] = sender
        message["To"] = user.email
        greeting = gettext("Hello %(name)s,", name=user.display_name)
        intro = gettext("Here is what happened since your last visit:")
        message.set_content("\n".join([greeting, "", intro, "", *lines, ""]))
    return message


def send_digests() -> DigestResult:
    """Send each person's digest; each is claimed (committed) before it goes out, and
    handed back if sending it fails."""
    settings = _settings()
    if not settings["host"]:
        return DigestResult(configured=False)
    result = DigestResult()
    # A reminder that something is due, once it no longer is, is not worth an e-mail.
    notifications.withdraw_moot()
    db.session.commit()
    pending = _pending()
    if not pending:
        return result
    try:
        with smtplib.SMTP(settings["host"], settings["port"], timeout=30) as smtp:
            if settings["starttls"]:
                smtp.starttls()
            if settings["username"]:
                smtp.login(settings["username"], settings["password"] or "")
            for user, ids in pending:
                items = _claim(ids)
                if not items:  # another run sent them
                    continue
                try:
                    smtp.send_message(_message(user, items, settings["sender"]))
                except BaseException:
                    _unclaim(items)
                    raise
                result.sent.append(user.email)
    except (OSError, smtplib.SMTPException) as error:
        raise DigestError(f"The mail server {settings['host']} failed: {error}") from error
    return result
