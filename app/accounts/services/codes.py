"""Invitations and password resets: a link token and a short code, shown once, stored hashed,
single use, expiring."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select, update

from app import audit
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_form_key
from app.logs import log_event
from app.roles import Role
from app.units import building_block

from ..models import AccessCode, CodePurpose, User
from ._common import AccountError
from .people import (
    add_user,
    check_password_rules,
    checked_name,
    find_user,
    forget_sign_ins,
    hash_password,
)

# Read out over a phone line: no 0/O, 1/I/L, 5/S or 2/Z to mishear.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8


@dataclass(frozen=True)
class IssuedCode:
    """What to give the person: a link token and a short code. Shown once, stored hashed."""

    access_code: AccessCode
    token: str
    code: str

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash_code(user_id: int, purpose: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_code(code: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def _issue(
    user: User, purpose: CodePurpose, lifetime: timedelta, issued_by: User | None
) -> IssuedCode:
    # A new code replaces any earlier one, so only the latest message the person got works.
    _retire_codes([user.id], purpose)
    issued = _new_code(user, purpose, lifetime, issued_by)
    db.session.commit()
    return issued


def _retire_codes(user_ids: list[int], purpose: CodePurpose) -> None:
    for start in range(0, len(user_ids), 500):
        db.session.execute(
            update(AccessCode)
            .where(
                AccessCode.user_id.in_(user_ids[start : start + 500]),
                AccessCode.purpose == purpose,
                AccessCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )


def _new_code(
    user: User, purpose: CodePurpose, lifetime: timedelta, issued_by: User | None
) -> IssuedCode:
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    access = AccessCode(
        user=user,
        purpose=purpose.value,
        token_hash=_hash_token(token),
        code_hash=_hash_code(user.id, purpose.value, code),
        created_by_id=issued_by.id if issued_by else None,
        expires_at=utcnow() + lifetime,
    )
    db.session.add(access)
    return IssuedCode(access, token, code)


def issue_invitations(users: list[User], issued_by: User | None) -> list[IssuedCode]:
    """New invitation codes for people who have not accepted yet (a bulk import's), in
    one unit of work: earlier codes stop working. Those who have accepted are skipped."""
    waiting = [user for user in users if not user.has_accepted]
    _retire_codes([user.id for user in waiting], CodePurpose.INVITATION)
    lifetime = current_app.config["INVITATION_LIFETIME"]
    issued = [_new_code(u, CodePurpose.INVITATION, lifetime, issued_by) for u in waiting]
    db.session.commit()
    return issued


@building_block
def new_invitation_codes(
    user_ids: list[int], issued_by_id: int | None, pause: Callable[[], None] | None = None
) -> list[tuple[int, str, str, datetime]]:
    """New invitation codes for every account of ``user_ids`` (their earlier ones stop
    working), inserted 500 at a time without loading or reloading a row: for a bulk
    import's tens of thousands. (user id, link token, display code, expiry) each, in the
    order given. ``pause()`` is called while the codes are drawn, before anything is
    written (:func:`draw_invitation_codes`), never between the writes. A building block:
    the caller commits."""
    issued, rows = draw_invitation_codes(user_ids, issued_by_id, pause)
    store_invitation_codes(rows)
    return issued


def draw_invitation_codes(
    user_ids: list[int], issued_by_id: int | None, pause: Callable[[], None] | None = None
) -> tuple[list[tuple[int, str, str, datetime]], list[dict]]:
    """The codes for ``user_ids``, drawn and hashed but not stored: what
    :func:`new_invitation_codes` returns, and the rows :func:`store_invitation_codes`
    writes. Touches no table, so ``pause()`` (every 500) may let other requests run.

    A job that pauses (``let_requests_run``) must not hold a transaction that has written:
    on SQLite the write lock stays held through the pause, and a request that writes
    meanwhile waits out the busy timeout inside SQLite, holding up the whole gevent
    process, so the job cannot go on to commit either (measured with
    ``benchmarks/country_load.py``: 100 leaders and an import of 2,000, every request
    answered 503 or not at all for two minutes, until gunicorn killed the worker)."""
    expires = utcnow() + current_app.config["INVITATION_LIFETIME"]
    issued, rows = [], []
    for n, user_id in enumerate(user_ids, 1):
        if pause is not None and n % 500 == 0:
            pause()
        token = secrets.token_urlsafe(32)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        issued.append((user_id, token, f"{code[:4]}-{code[4:]}", expires))
        rows.append(
            {
                "user_id": user_id,
                "purpose": CodePurpose.INVITATION.value,
                "token_hash": _hash_token(token),
                "code_hash": _hash_code(user_id, CodePurpose.INVITATION.value, code),
                "created_by_id": issued_by_id,
                "expires_at": expires,
            }
        )
    return issued, rows


@building_block
def store_invitation_codes(rows: list[dict]) -> None:
    """Retire the accounts' earlier invitation codes and store ``rows`` (from
    :func:`draw_invitation_codes`), 500 to a statement, without a pause. A building
    block: the caller commits."""
    _retire_codes([row["user_id"] for row in rows], CodePurpose.INVITATION)
    for start in range(0, len(rows), 500):
        db.session.execute(insert(AccessCode), rows[start : start + 500])


def invite(
    *,
    email: str | None = None,
    phone: str | None = None,
    name: str = "",
    roles=(Role.LEADER,),
    invited_by: User | None = None,
    key: str | None = None,
) -> IssuedCode:
    """Create an account with no password yet and an invitation to choose one. Commits.

    ``key`` is the invite form's (``app/form_keys.py``; the command line has no form): the
    same form sent again is the person the first one added, their invitation issued again
    (a code is shown once, and only the latest works)."""
    if key is not None:
        claimed = claim_form_key(invited_by.id, key, "accounts.invite", AccountError)
        if not claimed.added:
            return reissue_invitation(db.session.get(User, claimed.row_id), invited_by)
    user = add_user(email=email, phone=phone, name=name, roles=roles)
    if key is not None:
        claimed.record(user.id)
    audit.record("invite", actor=invited_by, target=user, roles=sorted(user.roles))
    issued = _issue(
        user, CodePurpose.INVITATION, current_app.config["INVITATION_LIFETIME"], invited_by
    )
    log_event(
        "invitation_created",
        user_id=user.id,
        invited_by=invited_by.id if invited_by else None,
        roles=sorted(user.roles),
    )
    return issued


def reissue_invitation(user: User, issued_by: User | None) -> IssuedCode:
    if user.has_accepted:
        raise AccountError(N_("This person has already accepted their invitation."))
    audit.record("invitation_reissued", actor=issued_by, target=user)
    issued = _issue(
        user, CodePurpose.INVITATION, current_app.config["INVITATION_LIFETIME"], issued_by
    )
    log_event("invitation_reissued", user_id=user.id, issued_by=issued_by.id if issued_by else None)
    return issued


def issue_reset_code(user: User, issued_by: User | None) -> IssuedCode:
    audit.record("reset_code", actor=issued_by, target=user)
    issued = _issue(user, CodePurpose.RESET, current_app.config["RESET_CODE_LIFETIME"], issued_by)
    log_event("reset_code_issued", user_id=user.id, issued_by=issued_by.id if issued_by else None)
    return issued


def code_for_token(token: str) -> AccessCode | None:
    access = db.session.scalar(
        select(AccessCode).where(AccessCode.token_hash == _hash_token(token))
    )
    return access if access is not None and access.usable() else None


def usable_code(code_id: object, purpose: CodePurpose) -> AccessCode | None:
    """The code with this id (as kept in a session) while it works for ``purpose``."""
    access = db.session.get(AccessCode, code_id) if isinstance(code_id, int) else None
    return access if access is not None and access.purpose == purpose and access.usable() else None


def code_for_identifier(identifier: str, code: str, purpose: CodePurpose) -> AccessCode | None:
    user = find_user(identifier)
    code = clean_code(code)
    if user is None or len(code) != CODE_LENGTH:
        return None
    expected = _hash_code(user.id, purpose.value, code)
    access = db.session.scalar(
        select(AccessCode).where(
            AccessCode.user_id == user.id,
            AccessCode.purpose == purpose.value,
            AccessCode.code_hash == expected,
        )
    )
    return access if access is not None and access.usable() else None


def accept_invitation(access: AccessCode, *, name: str, password: str) -> User:
    """A blank ``name`` keeps the one the invitation gave (an admin's import names people)."""
    check_password_rules(password)
    user = access.user
    if not name.strip() and not user.name.strip():
        raise AccountError(N_("Tell us your name."), "name")
    user.name = checked_name(name) if name.strip() else user.name
    user.password_hash = hash_password(password)
    access.used_at = utcnow()
    forget_sign_ins(user)
    db.session.commit()
    log_event("invitation_accepted", user_id=user.id)
    return user


def reset_password(access: AccessCode, password: str) -> User:
    check_password_rules(password)
    user = access.user
    user.password_hash = hash_password(password)
    access.used_at = utcnow()
    forget_sign_ins(user)  # a new password (say after a lost phone) signs out every device
    db.session.commit()
    log_event("password_reset", user_id=user.id)
    return user
