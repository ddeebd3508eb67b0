"""The signed session cookie, sent only when it carries news.

Flask sends a permanent session's cookie again on every response to slide its expiry;
on a phone paying per megabyte that is some 300 bytes on every page and file. Here the
cookie goes out when the session changes, and otherwise at most once a day to slide
its expiry; and never on responses that are the same for everyone (static files,
signed media), which must not ``Vary: Cookie`` either so that caches can share them.
"""

from __future__ import annotations

from datetime import date

from flask import request
from flask.sessions import SecureCookieSessionInterface

REFRESHED_ON = "_day"


def same_for_everyone(view):
    """Mark a view whose responses carry no session: no ``Set-Cookie``, no ``Vary: Cookie``."""
    view.same_for_everyone = True
    return view


class SessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        sliding = session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        today = date.today().toordinal()
        if not session.modified and not (sliding and session.get(REFRESHED_ON) != today):
            return False
        if sliding:
            session[REFRESHED_ON] = today  # serialized just after this returns
        return True

    def save_session(self, app, session, response) -> None:
        if getattr(app.view_functions.get(request.endpoint), "same_for_everyone", False):
            return
        super().save_session(app, session, response)
