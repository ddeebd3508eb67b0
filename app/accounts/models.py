"""People, their roles, and the one-time codes that let them in."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.roles import Role

#: The data-saver choices, least spent first (the player maps them to renditions).
DATA_RUNGS = ("audio", "lowest", "low", "medium", "auto")
DEFAULT_DATA_RUNG = "low"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Either may be missing: many leaders have a phone number but no email address.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    # None until the person accepts their invitation and chooses a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    school: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # What the player spends by default (app/media/services/rungs.py DATA_CHOICES): "audio",
    # "lowest", "low", "medium" or "auto". "low" (240p) is the lowest rung on which a slide's
    # text stays legible (measured by benchmarks/transcode.py on the reference slide talk).
    data_rung: Mapped[str] = mapped_column(
        String(8), default=DEFAULT_DATA_RUNG, server_default=DEFAULT_DATA_RUNG
    )
    # Megabytes a month Auto must stay within; None: no limit.
    data_limit_mb: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or self.phone!s} {sorted(self.roles)}>"

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def set_roles(self, roles) -> None:
        wanted = {Role(r).value for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - self.roles)
        ]

    @property
    def is_active(self) -> bool:  # Flask-Login: an invited person cannot sign in yet
        return self.active and self.password_hash is not None

    @property
    def is_authenticated(self) -> bool:
        """Flask-Login asks this of ``current_user`` many times a request; its default reads
        ``is_active``, which after a commit reloads the person (two queries). A person is
        only ever the signed-in user after ``load_signed_in_user`` or a sign-in has found
        them active, so the answer is yes."""
        return True

    #: The token of the sign-in this request came with (see :class:`SignIn`); not a column.
    sign_in_token = None  # (str) set by services.start_sign_in or load_signed_in_user

    # Flask-Login's mixin compares people by ``get_id()``, which refuses anyone not signed in
    # on this request: comparing two people loaded by a command (the digest) raised. A person
    # is their row.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    def get_id(self) -> str:
        """Flask-Login's identity, kept in the session and the remember cookie: the id and the
        token of this device's sign-in. Signing out deletes the sign-in, so a copied cookie
        stops working at once."""
        if not self.sign_in_token:
            raise RuntimeError("sign in through accounts.services.start_sign_in first")
        return f"{self.id}:{self.sign_in_token}"

    @property
    def password_stamp(self) -> str:
        """Changes with the password: marks derived from it stop counting after a new one."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    @property
    def display_name(self) -> str:
        if self.is_erased:
            return str(_l("a former member"))
        return self.name or self.email or self.phone or f"#{self.id}"

    @property
    def is_erased(self) -> bool:
        """Every account has an email address or a phone number, but one whose person's
        data was erased (``programmes.services.privacy``): the row stays, anonymised, so
        what others wrote in reply still has an author, "a former member"."""
        return self.email is None and self.phone is None

    @property
    def has_accepted(self) -> bool:
        return self.password_hash is not None


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role}>"


class SignIn(db.Model):
    """One device signed in: the session and remember cookies name it by a random token, of
    which only the hash is kept. Signing out deletes it; "sign out everywhere" and a new
    password delete them all."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<SignIn {self.id} user={self.user_id}>"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class CodePurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccessCode(db.Model):
    """A one-time way in: an invitation to set a first password, or a password reset.

    The link token and the short code are stored only as hashes; each works once and
    expires. The short code is for reading out over the phone or sending by SMS.
    """

    __tablename__ = "access_codes"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<AccessCode {self.id} {self.purpose} user={self.user_id}>"

    def usable(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or utcnow()) < self.expires_at


class DataUsage(db.Model):
    """What Headway sent one person in one calendar month (UTC), as far as the server saw it:
    media bytes it served (a file the phone already holds is not requested, so not counted)
    and an estimate of page bytes. One row per person and month, written by upsert."""

    __tablename__ = "data_usage"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-12"
    media_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    page_bytes: Mapped[int] = mapped_column(BigInteger, default=0)

    def __repr__(self) -> str:
        return f"<DataUsage {self.user_id} {self.month} {self.media_bytes + self.page_bytes} B>"

    @property
    def total_bytes(self) -> int:
        return self.media_bytes + self.page_bytes
