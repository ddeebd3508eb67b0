"""The notifications list, opening one, and marking all read."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user, login_required

from app.htmx import render, see_other
from app.urls import id_arg

from . import bp, services

# ``{{ n|notification_text }}`` and ``unread_notifications()`` in every template.
bp.add_app_template_filter(services.text, "notification_text")


@bp.app_context_processor
def _badge() -> dict:
    def unread_notifications() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


@bp.get("/")
@login_required
def index():
    before = id_arg("before")
    page = services.recent(current_user, before=before)
    block = "more" if before is not None else "content"
    return render("notifications/index.html", block=block, page=page)


@bp.post("/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """A notification's button: marked read (a POST, as every write), then its page (303),
    for plain forms and boosted ones alike."""
    url = services.open_notification(current_user, notification_id)
    if url is None:
        abort(404)
    return see_other(url)


@bp.post("/read")
@login_required
def mark_all_read():
    services.mark_all_read(current_user)
    return see_other(url_for("notifications.index"))
