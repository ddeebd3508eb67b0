"""Everything Headway holds about a person, to download; and erasure, which a person asks
for and an admin completes.

Erasure keeps the account row, anonymised (no name, email, phone, password, school or
roles), so what other people wrote in reply keeps an author, shown as "a former member";
every area erases or anonymises its own part through ``app.registry.PERSONAL_DATA``.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import delete, select, update

from app import audit, registry
from app.accounts.models import AccessCode, SignIn, User
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.roles import Role

from ..models import ErasureRequest
from .common import ProgrammeError, csv_text

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
    return csv_text(("section", "item", "field", "value"), rows)


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


def pending_erasures() -> list:
    return db.session.execute(
        select(ErasureRequest, User)
        .join(User, User.id == ErasureRequest.user_id)
        .where(ErasureRequest.completed_at.is_(None))
        .order_by(ErasureRequest.requested_at)
    ).all()


def complete_erasure(request: ErasureRequest, *, by: User) -> None:
    """Erase the person's data everywhere and anonymise their account, in one transaction;
    logged. Commits."""
    if request.completed_at is not None:
        return
    user = db.session.get(User, request.user_id)
    if user.id == by.id:
        raise ProgrammeError(N_("Another admin must erase your own data."))
    if user.has_role(Role.ADMIN):
        raise ProgrammeError(
            N_("Take away this person's admin role first, so a programme keeps its admins.")
        )
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
    request.completed_at, request.completed_by_id = utcnow(), by.id
    audit.record("erasure", actor=by, target=user.id)
    db.session.commit()


def erasure_request(user: User) -> ErasureRequest | None:
    return db.session.scalars(
        select(ErasureRequest).where(ErasureRequest.user_id == user.id)
    ).first()
