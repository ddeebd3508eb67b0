"""Everything Headway holds about a person, to download; and erasure, which a person asks
for and an admin completes. A person who asks by letter, by phone or in person is served by
an admin from their page: the same download and the same erasure, each logged with how
they asked and the admin's own reference.

Erasure keeps the account row, anonymised (no name, email, phone, password, school or
roles), so what other people wrote in reply keeps an author, shown as "a former member";
every area erases or anonymises its own part through ``app.registry.PERSONAL_DATA``.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app import audit, csvfiles, registry
from app.accounts.models import AccessCode, SignIn, User
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.roles import Role

from ..models import ErasureRequest
from ._common import ProgrammeError

ACCOUNT_FIELDS = (
    "id",
    "name",
    "email",
    "phone",
    "school",
    "country",
    "locale",
    "timezone",
    "data_rung",
    "data_limit_mb",
    "created_at",
    "last_sign_in_at",
)


#: How a person asked an admin to act for them, as the audit log keeps it.
CHANNELS = {
    "letter": _l("By letter"),
    "phone": _l("By phone"),
    "in_person": _l("In person"),
    "email": _l("By e-mail"),
    "other": _l("Another way"),
}
REFERENCE_MAX = 60
FORMATS = ("json", "csv")


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def personal_data(user: User) -> dict:
    """What Headway holds about ``user``: the account, then each area's part."""
    data = {
        "account": [{name: _plain(getattr(user, name)) for name in ACCOUNT_FIELDS}],
        "roles": [{"role": role} for role in sorted(user.roles)],
    }
    for key, source in registry.PERSONAL_DATA.items():
        data[key] = [{k: _plain(v) for k, v in row.items()} for row in source.export(user.id)]
    return data


def personal_data_json(user: User) -> str:
    return json.dumps(personal_data(user), ensure_ascii=False, indent=1, default=str)


def personal_data_csv(user: User) -> str:
    """Every item as one row of one CSV: what it is, which one, the field and its value."""
    rows = []
    for section, items in personal_data(user).items():
        for number, item in enumerate(items, start=1):
            rows.extend((section, number, key, value) for key, value in item.items())
    return csvfiles.text(("section", "item", "field", "value"), rows)


def request_erasure(user: User) -> ErasureRequest:
    """The person asks for their data to be erased; asking again changes nothing. Commits."""
    upsert(ErasureRequest, {"user_id": user.id, "requested_at": utcnow()}, key=("user_id",))
    db.session.commit()
    return db.session.scalars(select(ErasureRequest).where(ErasureRequest.user_id == user.id)).one()


def withdraw_erasure(user: User) -> None:
    db.session.execute(
        delete(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.completed_at.is_(None)
        )
    )
    db.session.commit()


def get_erasure_request(request_id: int) -> ErasureRequest | None:
    return db.session.get(ErasureRequest, request_id)


def pending_erasures() -> list:
    return db.session.execute(
        select(ErasureRequest, User)
        .join(User, User.id == ErasureRequest.user_id)
        .where(ErasureRequest.completed_at.is_(None))
        .order_by(ErasureRequest.requested_at)
    ).all()


def export_for(user: User, fmt: str, *, by: User, channel: str, reference: str) -> str:
    """What ``user`` would download from their own page, for an admin serving their request
    by letter or phone: logged (who, whose, when, how they asked) and committed. The file is
    made before the entry is written, so it is exactly what they would have downloaded."""
    details = _on_behalf(channel, reference)
    if fmt not in FORMATS:
        raise ProgrammeError(N_("Choose JSON or CSV."))
    text = personal_data_json(user) if fmt == "json" else personal_data_csv(user)
    audit.record("personal_data_export", actor=by, target=user.id, format=fmt, **details)
    db.session.commit()
    return text


def erase_for(user: User, *, by: User, channel: str, reference: str) -> bool:
    """Erase ``user``'s data at their request made outside Headway (their own request from
    Me, if they made one, is completed with it): whether it was erased now. Commits."""
    details = _on_behalf(channel, reference)
    check_erasable(user, by=by)
    upsert(ErasureRequest, {"user_id": user.id, "requested_at": utcnow()}, key=("user_id",))
    request = db.session.scalars(
        select(ErasureRequest).where(ErasureRequest.user_id == user.id)
    ).one()
    return complete_erasure(request, by=by, **details)


def _on_behalf(channel: str, reference: str) -> dict:
    if channel not in CHANNELS:
        raise ProgrammeError(N_("Say how the person asked."), "channel")
    reference = " ".join((reference or "").split())
    if len(reference) > REFERENCE_MAX:
        raise ProgrammeError(
            N_("Keep the reference to %(max)d characters."), "reference", max=REFERENCE_MAX
        )
    return {"on_behalf": True, "channel": channel, "reference": reference}


def erasure_refusal(user: User, *, by: User) -> ProgrammeError | None:
    """Why ``by`` may not erase ``user``'s data, or None."""
    if user.id == by.id:
        return ProgrammeError(N_("Another admin must erase your own data."))
    if user.has_role(Role.ADMIN):
        return ProgrammeError(
            N_("Take away this person's admin role first, so a programme keeps its admins.")
        )
    return None


def check_erasable(user: User, *, by: User) -> None:
    refusal = erasure_refusal(user, by=by)
    if refusal is not None:
        raise refusal


def complete_erasure(request: ErasureRequest, *, by: User, **details) -> bool:
    """Erase the person's data everywhere and anonymise their account, in one transaction;
    logged (with ``details``: how they asked, when an admin acts for them). Whether it was
    erased now: a request already completed, or being completed by another admin's tap at
    this moment, is left as it is. Commits."""
    if request.completed_at is not None:
        return False
    user = db.session.get(User, request.user_id)
    check_erasable(user, by=by)
    # Claimed first, by a conditional write: of two requests at once, the second waits for
    # the first's row and then finds it completed.
    claimed = db.session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.id == request.id, ErasureRequest.completed_at.is_(None))
        .values(completed_at=utcnow(), completed_by_id=by.id)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    for source in registry.PERSONAL_DATA.values():
        source.erase(user.id)
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    db.session.execute(delete(AccessCode).where(AccessCode.user_id == user.id))
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            name="",
            email=None,
            phone=None,
            password_hash=None,
            school="",
            country="",
            locale=None,
            timezone="UTC",
            active=False,
            last_sign_in_at=None,
        )
    )
    user.set_roles([])
    audit.record("erasure", actor=by, target=user.id, **details)
    db.session.commit()
    return True


def erasure_request(user: User) -> ErasureRequest | None:
    return db.session.scalars(
        select(ErasureRequest).where(ErasureRequest.user_id == user.id)
    ).first()
