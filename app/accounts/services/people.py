"""People and their sign-ins: identifiers, accounts, passwords, devices, profiles."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata

import phonenumbers
from flask import current_app, g
from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit, published, registry
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.i18n import SIGNED_IN_ZONE
from app.logs import log_event
from app.offload import off_the_loop
from app.roles import Role
from app.units import building_block

from ..models import DATA_RUNGS, SignIn, User
from ._common import AccountError

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """The password hashed with the configured method (``PASSWORD_HASH_METHOD``), off the
    request loop."""
    return off_the_loop(
        generate_password_hash, password, current_app.config["PASSWORD_HASH_METHOD"]
    )


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked when no account matches, so a wrong identifier costs as long as a wrong
    password."""
    return generate_password_hash("not-a-real-password", method)


# One @, something before it, a domain with a dot after it, no spaces or control
# characters: the shape of an address (only a message sent there proves it works).
EMAIL_SHAPE = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f.]+$")
# Line and paragraph breaks, tabs and other control characters: a name is one line, shown
# in headers, lists, e-mails and CSV files.
_NOT_IN_A_NAME = {"Cc", "Zl", "Zp"}


def normalize_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def checked_email(value: str | None) -> str | None:
    """An address to store: normalised, and refused unless it has an address's shape."""
    email = normalize_email(value)
    if email and not EMAIL_SHAPE.match(email):
        raise AccountError(
            N_("“%(email)s” is not an email address. Write it as name@example.org."),
            "email",
            email=(value or "").strip(),
        )
    return email


def checked_name(value: str) -> str:
    """A person's name to store: trimmed, and refused if it holds a line break or another
    control character."""
    name = value.strip()
    if any(unicodedata.category(character) in _NOT_IN_A_NAME for character in name):
        raise AccountError(N_("A name is one line: take out the line breaks and tabs."), "name")
    return name


def normalize_phone(value: str | None, region: str | None = None) -> str | None:
    """A phone number however a person writes it, in E.164: with the programme's region KE,
    '0712 345 678', '254712345678', '00254 712 345 678' and '+254 712-345 678' are all
    '+254712345678'. None when blank.

    The number must be valid for its country (its length and number ranges, per the
    phonenumbers library), whether it is being stored or looked up, so that a typo is caught
    as a typo. Otherwise this raises :class:`AccountError`, which says only that the number
    cannot be right, never whether an account has it.
    """
    value = (value or "").strip()
    if not value:
        return None
    region = region or current_app.config["DEFAULT_REGION"]
    digits = re.sub(r"\D", "", value)
    candidates = [(value, region)]
    if not value.startswith("+") and (region is None or digits.startswith("00")):
        # Written with its country code but no plus: '254712…', or '00254…' as dialled abroad.
        candidates.append(("+" + digits.removeprefix("00"), None))
    for text, country in candidates:
        try:
            number = phonenumbers.parse(text, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise AccountError(
        N_(
            "This is not a phone number we can reach: %(number)s. Check the digits, or write "
            "it with the country code, for example %(example)s."
        ),
        "phone",
        number=value,
        example=phone_example(region),
    )


def phone_example(region: str | None = None, national: bool = False) -> str:
    """A mobile number of the region written as people there write it, for hints."""
    region = region or current_app.config["DEFAULT_REGION"] or "KE"
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        number = phonenumbers.example_number(region)
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


def is_phone(identifier: str) -> bool:
    return "@" not in identifier


def normalize_identifier(identifier: str) -> str | None:
    """The email address or the E.164 phone number an account would be stored under;
    :class:`AccountError` for a phone number that cannot be anyone's."""
    identifier = (identifier or "").strip()
    if "\x00" in identifier:  # no account is stored under it (and PostgreSQL refuses NUL)
        return None
    if is_phone(identifier):
        return normalize_phone(identifier)
    return normalize_email(identifier)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user(identifier: str) -> User | None:
    """The account with this email or phone number, written any way a person writes it."""
    key = normalize_identifier(identifier)
    if not key:
        return None
    column = User.phone if is_phone(identifier) else User.email
    return db.session.scalar(select(User).where(column == key))


@functools.cache
def _signed_in_statement():
    """Built once (the areas have registered their columns by the first request), its values
    bound on each request: building it and its cache key again on every request cost about
    as much as running it."""
    extra = [
        column.column(User.id).label(f"person_{key}")
        for key, column in registry.PERSON_COLUMNS.items()
    ]
    return (
        select(User, published.version_column(), *extra)
        .join(SignIn, SignIn.user_id == User.id)
        .where(User.id == bindparam("user_id"), SignIn.token_hash == bindparam("token_hash"))
        .options(joinedload(User.role_rows))
    )


def load_signed_in_user(identity: str) -> User | None:
    """The person a session or remember cookie names (see ``User.get_id``), while that sign-in
    still exists (not signed out, no new password since) and their account is active; else
    nobody. One statement on every request: the person, their sign-in and their roles
    joined (a person has one to four roles, so the join repeats their row at most four
    times, where the relationship's own ``selectin`` would be a second round trip), the
    version of the published content, so the request knows whether its process's copy is
    current without a statement of its own (``app/published.py``), and what areas read with
    the person (``registry.person_column``: the unread notifications badge)."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = (
        db.session.execute(
            _signed_in_statement(), {"user_id": int(user_id), "token_hash": SignIn.hash(token)}
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user, version, *values = row
    published.note_version(version)
    if not user.is_active:
        return None
    for column, value in zip(registry.PERSON_COLUMNS.values(), values, strict=True):
        column.receive(user.id, value)
    user.sign_in_token = token
    setattr(g, SIGNED_IN_ZONE, user.timezone)
    return user


def authenticate(identifier: str, password: str) -> User | None:
    """The active user with this email or phone and password, else None (never says which
    was wrong). :class:`AccountError` when the phone number cannot be anyone's."""
    user = find_user(identifier)
    if user is None or user.password_hash is None:
        dummy = _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
        off_the_loop(check_password_hash, dummy, password)
        return None
    if not off_the_loop(check_password_hash, user.password_hash, password) or not user.active:
        return None
    return user


def known_device_mark(user: User) -> str:
    """What a browser keeps once this person has signed in on it (see ``limits``): their id
    and a MAC of it and their password's stamp, so it cannot be forged for anyone else and
    stops counting when the password changes (after a lost phone, say)."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"known-device:{user.id}:{user.password_stamp}".encode()
    return f"{user.id}.{hmac.new(key, message, hashlib.sha256).hexdigest()[:32]}"


def is_known_device(user: User, marks: list[str]) -> bool:
    """Whether one of a browser's marks is this person's current one."""
    expected = known_device_mark(user)
    return any(hmac.compare_digest(mark.encode(), expected.encode()) for mark in marks)


def start_sign_in(user: User, *, address: str | None, user_agent: str = "") -> None:
    """A new sign-in for this device: ``user.get_id()`` names it from now on (call before
    ``login_user``)."""
    token = secrets.token_urlsafe(24)
    # No cookie outlives PERMANENT_SESSION_LIFETIME: older sign-ins name nothing any more.
    expired = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, SignIn.created_at < expired))
    db.session.add(
        SignIn(user_id=user.id, token_hash=SignIn.hash(token), user_agent=user_agent[:200])
    )
    user.sign_in_token = token
    user.last_sign_in_at = utcnow()
    db.session.commit()
    log_event("sign_in", user_id=user.id, address=address)


def end_sign_in(user: User) -> None:
    """Sign this device out on the server: its session and remember cookies name nothing now."""
    if user.sign_in_token:
        db.session.execute(
            delete(SignIn).where(SignIn.token_hash == SignIn.hash(user.sign_in_token))
        )
        db.session.commit()
    log_event("sign_out", user_id=user.id)


def end_every_sign_in(user: User) -> int:
    """Sign the person out on every device (a lost or shared phone); says how many."""
    ended = forget_sign_ins(user)
    db.session.commit()
    log_event("sign_out_everywhere", user_id=user.id, sign_ins=ended)
    return ended


def forget_sign_ins(user: User) -> int:
    return db.session.execute(delete(SignIn).where(SignIn.user_id == user.id)).rowcount


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            N_("Use at least %(count)s characters."), "password", count=MIN_PASSWORD_LENGTH
        )


def _check_unique(email: str | None, phone: str | None, exclude_id: int | None = None) -> None:
    if not email and not phone:
        raise AccountError(N_("Give an email address or a phone number."), "email")
    clauses = [User.email == email] if email else []
    clauses += [User.phone == phone] if phone else []
    query = select(User).where(or_(*clauses))
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    other = db.session.scalar(query)
    if other is not None:
        field = "email" if email and other.email == email else "phone"
        taken = {
            "email": N_("Someone already has this email address."),
            "phone": N_("Someone already has this phone number."),
        }
        raise AccountError(taken[field], field)


def create_user(**fields) -> User:
    """A new account (see :func:`add_user`). Commits."""
    user = add_user(**fields)
    db.session.commit()
    return user


@building_block
def add_user(
    *,
    email: str | None = None,
    phone: str | None = None,
    name: str = "",
    roles=(Role.LEADER,),
    password: str | None = None,
    **profile,
) -> User:
    """A new account, its e-mail and phone checked and free, added to the caller's
    transaction. Never commits."""
    email, phone = checked_email(email), normalize_phone(phone)
    _check_unique(email, phone)
    user = User(email=email, phone=phone, name=checked_name(name), **profile)
    user.set_roles(roles)
    if password is not None:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    forget_sign_ins(user)
    db.session.commit()


PROFILE_FIELDS = (
    "name",
    "school",
    "country",
    "locale",
    "timezone",
    "data_rung",
    "data_limit_mb",
)


def update_profile(user: User, **fields) -> User:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    if "name" in fields and not fields["name"].strip():
        raise AccountError(N_("Tell us your name."), "name")
    if "name" in fields:
        fields["name"] = checked_name(fields["name"])
    if "data_rung" in fields and fields["data_rung"] not in DATA_RUNGS:
        raise AccountError(N_("Choose one of the data saver settings."), "data_rung")
    for key, value in fields.items():
        setattr(user, key, value.strip() if isinstance(value, str) else value)
    db.session.commit()
    return user


def update_account(
    user: User,
    *,
    email: str | None,
    phone: str | None,
    roles,
    active: bool,
    by: User | None = None,
) -> User:
    """An admin's edit of someone's sign-in identifiers, roles and access. Nobody can take
    away their own admin role or access: a programme must never be left without an admin
    by a slip of the finger."""
    if by is not None and by.id == user.id and (Role.ADMIN not in roles or not active):
        raise AccountError(N_("You cannot remove your own admin role or access."), "roles")
    email, phone = checked_email(email), normalize_phone(phone)
    _check_unique(email, phone, exclude_id=user.id)
    before = (sorted(user.roles), user.active)
    user.email, user.phone, user.active = email, phone, active
    user.set_roles(roles)
    if before != (sorted(user.roles), user.active):
        audit.record(
            "role_change", actor=by, target=user, before=before[0], after=sorted(user.roles)
        )
    db.session.commit()
    log_event("account_updated", user_id=user.id, roles=sorted(user.roles), active=active)
    return user
