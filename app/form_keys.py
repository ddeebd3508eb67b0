"""Keys for writes a person repeats: one scheme for every form that adds a row.

On a slow link one tap often arrives twice at once, and a person who saw nothing happen
taps again. Every form that adds a row carries a key drawn when the form is drawn
(:class:`app.forms.KeyField`); the service that adds the row first claims the key in the
same transaction::

    claim = claim_key(person.id, key, "practices.add")
    if not claim.added:          # the same form again: give back what the first one made
        return db.session.get(Practice, claim.row_id)
    practice = Practice(...)
    db.session.add(practice)
    db.session.flush()
    claim.record(practice.id)

The claim is one ``INSERT … ON CONFLICT DO NOTHING`` into ``form_keys`` on
``(person_id, key)``: of two requests racing, one inserts and the other waits for it (the
unique index on PostgreSQL, the single writer on SQLite) and then reads the row id the
first recorded. A key claimed for one action and sent to another is refused
(:class:`KeyReused`), never taken as the first's result. Keys are forgotten after
``FORM_KEYS_KEPT_DAYS`` by a daily job: a form that old is drawn again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app import jobs
from app.db import UTCDateTime, upsert, utcnow
from app.errors import N_, ServiceError
from app.extensions import db
from app.units import building_block


class FormKey(db.Model):
    """A key a person's form was sent with, the action it was for, and the row it added."""

    __tablename__ = "form_keys"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_form_keys_created_at", "created_at"),)


class KeyReused(Exception):
    """A key claimed for one action came with another: not a double tap but a bug or a
    forged form; the caller refuses it (a 422 telling the person to reload the form)."""


# What a service says of a key claimed for another action: the words of app.forms.KEY_ERROR.
OUT_OF_DATE = N_("This form is out of date. Reload the page, then send it again.")


@dataclass
class KeyClaim:
    """The outcome of :func:`claim_key`: ``added`` when this request is the first with the
    key (it adds the row and :meth:`record`\\ s it); otherwise ``row_id`` is the row the
    first request added (None only if it recorded none)."""

    added: bool
    row_id: int | None = None
    _row: FormKey | None = field(default=None, repr=False)

    @building_block
    def record(self, row_id: int) -> None:
        """Remember the row this key added, for the same form sent again. Never commits."""
        if self._row is None:
            raise RuntimeError("only the first claim of a key records its row")
        self._row.row_id = row_id
        self.row_id = row_id
        db.session.flush()


@building_block
def claim_key(person_id: int, key: str, action: str) -> KeyClaim:
    """Claim ``key`` for ``action`` by ``person_id`` in the current transaction (see the
    module's docstring). Raises :class:`KeyReused` when the key was claimed for another
    action. Never commits."""
    if not key:  # a caller's mistake, not a person's: every form that adds a row sends one
        raise ValueError(f"{action} adds a row: it needs its form's key (app.forms.KeyField)")
    inserted = upsert(
        FormKey,
        {
            "person_id": person_id,
            "key": key,
            "action": action,
            "row_id": None,
            "created_at": utcnow(),
        },
        key=("person_id", "key"),
    )
    if inserted:
        return KeyClaim(added=True, _row=inserted[0])
    earlier = db.session.execute(
        select(FormKey.action, FormKey.row_id).where(
            FormKey.person_id == person_id, FormKey.key == key
        )
    ).one()
    if earlier.action != action:
        raise KeyReused(action)
    return KeyClaim(added=False, row_id=earlier.row_id)


@building_block
def claim_form_key(person_id: int, key: str, action: str, refuse: type[ServiceError]) -> KeyClaim:
    """:func:`claim_key` for a service: a key claimed for another action is refused as the
    area's ``refuse`` error (:data:`OUT_OF_DATE`), which its route shows on the form, a
    422 with everything typed. Never commits."""
    try:
        return claim_key(person_id, key, action)
    except KeyReused:
        raise refuse(OUT_OF_DATE) from None


def forget_old_keys() -> int:
    """Remove keys older than ``FORM_KEYS_KEPT_DAYS``; commits. Returns how many."""
    before = utcnow() - timedelta(days=current_app.config["FORM_KEYS_KEPT_DAYS"])
    removed = db.session.execute(delete(FormKey).where(FormKey.created_at < before)).rowcount
    db.session.commit()
    return removed


jobs.periodic("core.forget_form_keys", jobs.every(hours=24, at_minute=17))(forget_old_keys)
