"""Limits on the forms that check a secret (sign-in, the welcome and reset codes): guessing
stays slow, and a stranger's failures never stop the real person signing in.

Anyone who knows a leader's phone number can type it with wrong passwords. Counting every
attempt per account, as before, let them lock the leader out: the right password then
answered 429. So the limits count only *failures* (a wrong password or code; Flask-Limiter's
``deduct_when``), and count them per place:

1. ``SIGN_IN_LIMIT_PER_ADDRESS``: every attempt from one address, whatever the account.
   One machine hammering the forms is slowed, as before; but not the account's own phone
   (below), since a mobile network puts thousands of phones behind one address.
2. ``SIGN_IN_FAILURE_LIMIT``: failures for one account from one place. The place is the
   address, or, on a browser where this person has signed in before, that browser: it keeps
   a *known-device* cookie, a MAC of the account and its password stamp
   (``services.known_device_mark``) that nobody else can make, set by a sign-in, an accepted
   invitation or a password reset with the admin's code. An attacker at one address is
   limited; the leader at another address, or on their own phone behind the same mobile
   network's shared address, is not touched by the attacker's count.
3. ``SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT``: failures for one account from every browser that
   has never signed in to it, whatever the address. Many addresses guessing together are
   stopped here, looser; and the leader's own phone is exempt, so even then the right
   password keeps working where they usually sign in.

Why this and not a slowdown: waiting inside a request would hold one of the server's few
threads per guess, a lockout of everyone by other means. Counting with the limiter's own
storage keeps it working across processes on Redis. What is left: a new phone during an
attack from many addresses waits out the per-account window, or the admin issues a reset
code, whose use makes that phone known; and a thief holding a signed-in phone is limited
as one place, until the password is changed.
"""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask.wrappers import Response

from app.extensions import limiter

from . import services
from .models import User

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_DAYS = 365
KNOWN_DEVICE_ACCOUNTS = 5  # a school's shared phone signs several people in


def limited(view):
    """Put the three limits above on a form's POST; the view calls :func:`attempt_failed`."""
    failures = {"methods": ["POST"], "deduct_when": _failed}
    view = limiter.limit(
        _failure_limit_per_account,
        key_func=_account_key,
        exempt_when=_from_known_device,
        **failures,
    )(view)
    view = limiter.limit(_failure_limit, key_func=_place_key, **failures)(view)
    return limiter.limit(_per_address_limit, methods=["POST"], exempt_when=_from_known_device)(view)


def attempt_failed() -> None:
    """The password or code was wrong: this request counts against the failure limits."""
    g.sign_in_failed = True


def remember_device(response: Response, user: User) -> Response:
    """Mark this browser as one ``user`` signs in on (kept only for the sign-in page)."""
    others = [mark for mark in _marks() if not mark.startswith(f"{user.id}.")]
    marks = [services.known_device_mark(user), *others][:KNOWN_DEVICE_ACCOUNTS]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        "-".join(marks),
        max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
        path=url_for("accounts.sign_in"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _failed(response: Response) -> bool:
    return g.get("sign_in_failed", False)


def _per_address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _failure_limit() -> str:
    return current_app.config["SIGN_IN_FAILURE_LIMIT"]


def _failure_limit_per_account() -> str:
    return current_app.config["SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT"]


def _marks() -> list[str]:
    return [mark for mark in request.cookies.get(KNOWN_DEVICE_COOKIE, "").split("-") if mark]


def _attempt() -> tuple[str, User | None]:
    """The account the form names, as stored (or '-'), and its user; looked up once."""
    if "sign_in_attempt" not in g:
        try:
            key = services.normalize_identifier(request.form.get("identifier", ""))
            user = services.find_user(key) if key else None
        except services.AccountError:  # refused before any secret is checked: no failure
            key, user = None, None
        g.sign_in_attempt = (key or "-", user)
    return g.sign_in_attempt


def _from_known_device() -> bool:
    _, user = _attempt()
    return user is not None and services.is_known_device(user, _marks())


def _account_key() -> str:
    return "account:" + _attempt()[0]


def _place_key() -> str:
    place = "known-device" if _from_known_device() else f"address:{request.remote_addr}"
    return f"account:{_attempt()[0]}@{place}"
