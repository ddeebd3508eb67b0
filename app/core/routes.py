"""Home and the error pages."""

from __future__ import annotations

import logging

from flask import current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app import registry
from app.db import database_unavailable
from app.htmx import render
from app.logs import log_event
from app.navigation import nav_items

from . import bp


@bp.get("/")
@login_required
def home():
    """Everyone's first tab: this page of the areas' cards, unless an area's tab comes
    before it for them (Learn, for those who learn: what they come for)."""
    first = next(iter(nav_items()), None)
    if first is not None and not first["current"]:
        return redirect(first["url"])
    return render("core/home.html", card_templates=registry.home_card_templates())


ERROR_MESSAGES = {
    400: lambda: (
        _("Something in that request was not right"),
        _("Go back, check what you entered and try again."),
    ),
    403: lambda: (
        _("This page is not for your account"),
        _("If you think you should see it, ask your programme admin."),
    ),
    404: lambda: (_("We could not find that page"), _("The link may be old or mistyped.")),
    405: lambda: (_("That did not work"), _("Go back and use the page's own buttons.")),
    413: lambda: (
        _("That was too large to send"),
        _("Go back, choose a smaller file and send the form again."),
    ),
    429: lambda: (_("Too many attempts"), _("Wait a minute, then try again.")),
    500: lambda: (
        _("Something went wrong on our side"),
        _("Nothing you entered is lost. Try again in a moment."),
    ),
    503: lambda: (
        _("Headway is very busy right now"),
        _("Many people are using it at once. Nothing you entered is lost: try again shortly."),
    ),
}
#: How long a phone is told to wait before trying again when every database connection is
#: busy, or the database is away.
BUSY_RETRY_AFTER_S = 30


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
@bp.app_errorhandler(429)
@bp.app_errorhandler(500)
def error_page(error):
    return _error_response(getattr(error, "code", 500) or 500, error)


def _error_response(code: int, error=None):
    if code >= 500:
        # The database may be what failed: the page must not need it (loading the person
        # for their language, their unread count), or the error page fails too and the
        # phone gets no answer at all.
        g._login_user = current_app.login_manager.anonymous_user()
    if code == 500:
        log_event(
            "server_error",
            logging.ERROR,
            path=request.path,
            error=repr(getattr(error, "original_exception", error)),
        )
    title, hint = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])()
    if code == 429:  # Flask-Limiter's refusal (the pages that count failed attempts)
        log_event("rate_limited", endpoint=request.endpoint, address=request.remote_addr)
    signed_in = current_user.is_authenticated
    home = url_for("core.home" if signed_in else current_app.login_manager.login_view)
    return render("core/error.html", status=code, code=code, title=title, hint=hint, home=home)


@bp.app_errorhandler(PoolTimeout)
def busy(error):
    """Every database connection of this process stayed taken for ``DATABASE_POOL_TIMEOUT``
    seconds: more people than the servers can answer. Say so at once, with Retry-After,
    rather than keep the phone waiting longer."""
    log_event("busy", logging.WARNING, path=request.path)
    return _busy_response()


@bp.app_errorhandler(DBAPIError)
def database_away(error):
    """The database is away: restarting (back by itself within a second or so), unreachable,
    or this request's connection cut. For the person that is the same as busy — nothing they
    did, try again shortly — so the same page and Retry-After. Any other database error is
    a fault of ours and goes on to the 500 page."""
    if not database_unavailable(error):
        raise error
    log_event(
        "database_unavailable",
        logging.WARNING,
        path=request.path,
        error=type(error.orig).__name__,
        detail=str(error.orig).splitlines()[0][:200] if str(error.orig) else "",
    )
    return _busy_response()


def _busy_response():
    response = _error_response(503)
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
    return response
