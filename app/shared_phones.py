"""Shared phones: whatever a browser keeps belongs to one person.

A phone passes from leader to leader. What it keeps — lessons saved for offline and played
segments (``static/js/sw.js``), drafts and htmx's page snapshots (``learning.js``), writes
waiting for a connection — must not reach the next person, however the last session ended:
signing out (which clears everything with Clear-Site-Data), but also "sign out everywhere"
from another phone, the session lapsing, an admin deactivating the account, or accepting an
invitation while someone else is signed in.

So every page names the person it was made for, by an opaque tag (an HMAC of the account id,
which tells a stranger nothing; ``NOBODY`` when no one is signed in): the
``X-Headway-Owner`` header of each HTML response, and ``data-owner`` on the ``<body>`` of a
whole page. The worker and ``learning.js`` record the tag they keep things for and forget
everything when a page names someone else. A page sends its own tag with its writes, and a
write whose tag is not the signed-in person's is refused: a write queued offline, or made in a
tab left open, lands as its author or not at all.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import inspect

from app import htmx

OWNER_HEADER = "X-Headway-Owner"
NOBODY = "-"


def owner_tag(user) -> str:
    """The opaque tag of the person signed in (``NOBODY`` when no one is). It stays the same
    from one sign-in to the next, so the same leader signing in again keeps what they saved."""
    if not user.is_authenticated:
        return NOBODY
    # After a write's commit the person's row is expired: its identity, unlike ``user.id``,
    # is known without loading them again.
    state = inspect(getattr(user, "_get_current_object", lambda: user)(), raiseerr=False)
    account_id = state.identity[0] if state is not None and state.identity else user.id
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"phone-owner:{account_id}".encode(), hashlib.sha256).hexdigest()[:20]


def _refuse_someone_elses_write():
    """A write made by a page of someone other than the person now signed in: another person
    signed in on this phone since that page was made. It is refused rather than saved as the
    wrong person; htmx reloads the page (``HX-Refresh``), which then shows who is signed in.
    With no one signed in, the sign-in page's own forms pass, and the rest ask to sign in."""
    tag = request.headers.get(OWNER_HEADER)
    if tag is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if not current_user.is_authenticated:
        return None
    if hmac.compare_digest(tag.encode(), owner_tag(current_user).encode()):
        return None
    return htmx.refresh(
        Response(
            _("This page was opened by someone else. Reload it and try again."),
            status=409,
            mimetype="text/plain",
        )
    )


def _name_the_owner(response: Response) -> Response:
    """On pages and fragments. Not on a server error: its page is made without the database,
    so for nobody, and a phone must not forget a leader's saved lessons because the server
    was busy. Not on a redirect or an empty answer (a position saved), which show nothing and
    would carry it for nothing on every save."""
    status = response.status_code
    if response.mimetype == "text/html" and (status < 300 or 400 <= status < 500) and status != 204:
        response.headers[OWNER_HEADER] = owner_tag(current_user)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_refuse_someone_elses_write)
    app.after_request(_name_the_owner)
    app.jinja_env.globals["phone_owner"] = lambda: owner_tag(current_user)
