"""A lesson's video in the studio: its live status (polled by htmx until nothing is
pending), a plain form upload for browsers without JavaScript, captions, and a retry."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import csrf
from app.forms import csrf_token_ok
from app.htmx import is_fragment_request, render_partial, see_other
from app.media import services as media
from app.permissions import can_author, requires

from .. import bp, services
from ..forms import ActionForm
from ._common import chosen_language, lesson_or_404

HTMX_STOP_POLLING = 286


@bp.get("/lessons/<int:lesson_id>/media")
@requires(can_author)
def lesson_media_status(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    language = chosen_language(lesson.course)
    if not is_fragment_request():
        return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id, lang=language))
    pending = services.pending_upload(lesson, language)
    done = pending is None or pending.asset is None or pending.asset.status == "failed"
    response = render_partial(
        "studio/_media.html",
        status=HTMX_STOP_POLLING if done else 200,
        lesson=lesson,
        language=language,
        pending=pending,
        action_form=ActionForm(),
        # Once done, what blocks publishing has changed: that section comes along.
        publish_too=done,
        blockers=services.lesson_blockers(lesson),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_max_bytes() -> int:
    return int(current_app.config["STUDIO_FORM_UPLOAD_MAX_BYTES"])


@bp.post("/lessons/<int:lesson_id>/media")
@requires(can_author)
def upload_media_form(lesson_id: int):
    """The no-JavaScript way: one form post, up to ``STUDIO_FORM_UPLOAD_MAX_BYTES``."""
    request.max_content_length = _form_max_bytes()
    lesson = lesson_or_404(lesson_id)
    language = chosen_language(lesson.course)
    back = url_for("studio.edit_lesson", lesson_id=lesson.id, lang=language, _anchor="media")
    if not csrf_token_ok(request.form.get("csrf_token")):
        flash(_("The page was out of date. Send the file again."), "error")
        return see_other(back)
    file = request.files.get("file")
    if file is None or not file.filename:
        flash(_("Choose a video or audio file first."), "error")
        return see_other(back)
    try:
        services.accept_form_upload(
            current_user, lesson, language, file.stream, file.filename, file.mimetype or ""
        )
    except services.StudioError as error:
        flash(error.translated(), "error")
    else:
        flash(_("Received. The video is being prepared."), "success")
    return see_other(back)


@bp.post("/lessons/<int:lesson_id>/captions")
@requires(can_author)
def upload_captions(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        language = lesson.course.language
    back = url_for("studio.edit_lesson", lesson_id=lesson.id, lang=language, _anchor="media")
    file = request.files.get("captions")
    if file is None or not file.filename:
        flash(_("Choose a captions file (.vtt or .srt) first."), "error")
        return see_other(back)
    try:
        services.add_captions(current_user, lesson, language, file.read(), file.filename)
    except services.StudioError as error:
        flash(error.translated(), "error")
    else:
        flash(_("Captions received. The video is being prepared with them."), "success")
    return see_other(back)


@bp.post("/lessons/<int:lesson_id>/media/retry")
@requires(can_author)
def retry_media(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    language = chosen_language(lesson.course)
    pending = services.pending_upload(lesson, language)
    if ActionForm().validate_on_submit() and pending is not None and pending.asset is not None:
        media.retry(pending.asset, by=current_user)
    return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id, lang=language))


csrf.exempt(upload_media_form)  # checked in the view, once the larger limit is set
