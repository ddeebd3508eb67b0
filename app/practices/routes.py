"""Practices' pages: routes load, authorize (404 for a practice the person may not read,
403 for what they may see but not do), call one service and render. Every write is a plain
form (POST → 303 → GET); the draft's text is also kept on the phone as it is typed
(``data-draft``, the notebook's mechanism), so a lost link loses nothing. A practice's video
also goes up by media's resumable upload at ``/practices/uploads/`` (tus, with JavaScript),
for its author alone (``services.PracticeVideos``)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.frameworks import services as frameworks
from app.groups.services import thread_path
from app.htmx import render, see_other
from app.media import services as media
from app.media.routes import tus
from app.permissions import is_admin, requires
from app.sessions import same_for_everyone
from app.urls import id_arg

from . import bp, services
from . import permissions as can
from .forms import (
    ActionForm,
    ErasureChoiceForm,
    NewPracticeForm,
    OutcomeForm,
    PhotoForm,
    PracticeForm,
    ReviewForm,
)

tus.serve(bp, services.PRACTICE_VIDEOS, allowed=can.can_share_practices)


def _practice_or_404(practice_id: int):
    practice = services.visible_practice(current_user, practice_id)
    if practice is None:
        abort(404)
    return practice


def _competency_choices(form) -> list:
    framework = frameworks.default_framework()
    competencies = frameworks.competencies_by_domain(framework) if framework else {}
    choices = [
        SelectChoice(c.id, f"{c.code} {c.title}") for group in competencies.values() for c in group
    ]
    form.competency_ids.choices = choices
    return choices


def _fields(form) -> services.PracticeFields:
    return services.PracticeFields(
        title=form.title.data or "",
        problem=form.problem.data or "",
        steps=form.steps.data or "",
        takes=form.takes.data or "",
        evidence=form.evidence.data or "",
        language=form.language.data,
        competency_ids=tuple(form.competency_ids.data or ()),
    )


@bp.get("/")
@requires(can.can_use_practices)
def home():
    filters = services.LibraryFilter(
        words=(request.args.get("q") or "")[:100],
        competency_id=id_arg("competency"),
        language=request.args.get("language", "")
        if request.args.get("language") in services.LANGUAGES
        else "",
        region=(request.args.get("region") or "")[:80],
        for_priority=request.args.get("priority") == "1",
        page=id_arg("page") or 1,
    )
    framework = frameworks.default_framework()
    return render(
        "practices/home.html",
        block="results",
        page=services.library(current_user, filters),
        competencies=frameworks.competencies_by_domain(framework) if framework else {},
        regions=services.regions(),
        languages=services.LANGUAGES,
    )


@bp.get("/mine")
@requires(can.can_share_practices)
def mine():
    form = ErasureChoiceForm(formdata=None)
    form.choice.data = "remove" if services.removes_on_erasure(current_user.id) else "keep"
    return render(
        "practices/mine.html",
        practices=services.my_practices(current_user),
        tries=services.tries_of(current_user),
        erasure_form=form,
    )


@bp.post("/mine/erasure-choice")
@requires(can.can_share_practices)
def choose_erasure():
    form = ErasureChoiceForm()
    if form.validate_on_submit():
        services.set_erasure_choice(current_user, form.choice.data == "remove")
        flash(_("Saved."), "success")
    return see_other(url_for("practices.mine"))


@bp.route("/new", methods=["GET", "POST"])
@requires(can.can_share_practices)
def new_practice():
    form = NewPracticeForm()
    if request.method == "GET":
        language = (current_user.locale or "en")[:2]
        form.language.data = language if language in services.LANGUAGES else "en"
    _competency_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            practice = services.create_practice(current_user, _fields(form), form.key.data)
        except services.PracticeError as error:
            form.show_error(error)
        else:
            flash(_("Draft saved. Send it for review when it is ready."), "success")
            return see_other(url_for("practices.show_practice", practice_id=practice.id))
    if form.errors or form.form_errors:
        status = 422
    return render("practices/edit.html", status=status, form=form, practice=None)


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
@requires(can.can_share_practices)
def edit_practice(practice_id: int):
    practice = _editable_or_403(practice_id)
    form = PracticeForm(obj=practice)
    if request.method == "GET":
        form.competency_ids.data = [c.id for c in practice.competencies]
    _competency_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_practice(practice, current_user, _fields(form))
        except services.PracticeError as error:
            form.show_error(error)
        else:
            flash(_("Saved."), "success")
            return see_other(url_for("practices.show_practice", practice_id=practice.id))
    if form.errors or form.form_errors:
        status = 422
    return render("practices/edit.html", status=status, form=form, practice=practice)


@bp.get("/<int:practice_id>")
@requires(can.can_use_practices)
def show_practice(practice_id: int):
    return _practice_page(_practice_or_404(practice_id))


def _practice_page(practice, *, review_form=None, status: int = 200):
    """A practice's page; again with the reviewer's form and its error (422) when a review
    was refused."""
    video = _video(practice)
    return render(
        "practices/practice.html",
        status=status,
        practice=practice,
        video=video,
        video_refusal=_refusal(practice, video),
        photos=services.photos_of(practice),
        photo_form=PhotoForm(formdata=None),
        reviews=services.reviews_of(practice),
        my_try=services.try_of(current_user, practice),
        discussion=services.discussion_of(current_user, practice),
        review_form=review_form or ReviewForm(formdata=None),
        outcome_form=OutcomeForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )


def _refusal(practice, video) -> str | None:
    """Why its video was refused, for the author who can send another (None: it was not)."""
    if video is None or video.status != "failed" or practice.author_id != current_user.id:
        return None
    return services.video_refusal(practice)


def _video(practice):
    """What the reader's data saver plays of the practice's video (None: it has none)."""
    if practice.video_asset_id is None:
        return None
    return media.playback_for(practice.video_asset_id, choice=current_user.data_rung)


@bp.post("/<int:practice_id>/video")
@requires(can.can_share_practices)
def upload_video(practice_id: int):
    """The phone's video as one plain form post (no JavaScript needed; with it, the page
    sends it by the resumable upload instead), up to ``PRACTICES_VIDEO_MAX_BYTES``; a
    refused file leaves the practice as it was."""
    request.max_content_length = int(current_app.config["PRACTICES_VIDEO_MAX_BYTES"])
    practice = _editable_or_403(practice_id)
    if not ActionForm().validate_on_submit():
        flash(_("The page was out of date. Send the file again."), "error")
        return _back(practice)
    file = request.files.get("video")
    if file is None or not file.filename:
        flash(_("Choose the video first."), "error")
        return _back(practice)
    try:
        services.attach_video(
            practice, current_user, file.stream, file.filename, file.mimetype or ""
        )
    except services.PracticeError as error:
        return _back(practice, error)
    flash(_("Received. The video is being prepared."), "success")
    return _back(practice)


@bp.post("/<int:practice_id>/photos")
@requires(can.can_share_practices)
def add_photo(practice_id: int):
    practice = _editable_or_403(practice_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(" ".join(str(e) for e in errors) or _("Choose a photo first."), "error")
        return _back(practice)
    try:
        services.add_photo(practice, current_user, form.photo.data.stream, form.key.data)
    except services.PracticeError as error:
        return _back(practice, error)
    return _back(practice)


@bp.post("/<int:practice_id>/photos/<int:photo_id>/removal")
@requires(can.can_share_practices)
def remove_photo(practice_id: int, photo_id: int):
    practice = _editable_or_403(practice_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_photo(practice, current_user, photo_id)
    except services.PracticeError as error:
        return _back(practice, error)
    return _back(practice)


@bp.get("/<int:practice_id>/photos/<int:photo_id>")
@requires(can.can_use_practices)
@same_for_everyone  # as groups.show_photo: checked from the session, kept by the phone only
def show_photo(practice_id: int, photo_id: int):
    practice = _practice_or_404(practice_id)
    jpeg = services.photo_of(practice, photo_id)
    if jpeg is None:
        abort(404)
    response = Response(jpeg, mimetype="image/jpeg")
    response.set_etag(f"practice-photo-{photo_id}")
    response.cache_control.private = True
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response.make_conditional(request)


def _editable_or_403(practice_id: int):
    """The practice, if ``current_user`` may change it (its author, while not approved)."""
    practice = _practice_or_404(practice_id)
    if not can.can_edit_practice(current_user, practice):
        abort(403)
    return practice


def _back(practice, error: services.PracticeError | None = None):
    if error is not None:
        flash(error.translated(), "error")
    return see_other(url_for("practices.show_practice", practice_id=practice.id))


@bp.post("/<int:practice_id>/submission")
@requires(can.can_share_practices)
def submit_practice(practice_id: int):
    practice = _practice_or_404(practice_id)
    if practice.author_id != current_user.id:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.submit_practice(practice, current_user)
    except services.PracticeError as error:
        return _back(practice, error)
    flash(_("Sent for review. You will be told when it is reviewed."), "success")
    return _back(practice)


@bp.post("/<int:practice_id>/reviews")
@requires(can.can_use_practices)
def review_practice(practice_id: int):
    practice = _practice_or_404(practice_id)
    # Whether it still waits for a review is the service's to say, after the form's key:
    # a second tap of the same review finds it reviewed, and gets the first one's answer.
    if not can.is_practice_reviewer(current_user, practice):
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_practice(
                practice, current_user, form.decision.data, form.comment.data, form.key.data
            )
        except services.PracticeError as error:
            form.show_error(error)
        else:
            flash(_("Your review is sent to the author."), "success")
            return _back(practice)
    return _practice_page(practice, review_form=form, status=422)


@bp.get("/reviews")
@requires(can.can_use_practices)
def reviews():
    return render(
        "practices/reviews.html",
        practices=services.review_queue(current_user, every=is_admin(current_user)),
    )


@bp.post("/<int:practice_id>/try")
@requires(can.can_share_practices)
def try_practice(practice_id: int):
    practice = _practice_or_404(practice_id)
    if not can.can_try_practice(current_user, practice):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.try_practice(practice, current_user)
    flash(_("Added to your coaching actions. Come back to say how it went."), "success")
    return _back(practice)


@bp.post("/<int:practice_id>/outcome")
@requires(can.can_share_practices)
def report_outcome(practice_id: int):
    practice = _practice_or_404(practice_id)
    if not can.can_try_practice(current_user, practice):
        abort(403)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_("Choose how it went."), "error")
        return _back(practice)
    try:
        services.report_outcome(practice, current_user, form.outcome.data, form.note.data)
    except services.PracticeError as error:
        return _back(practice, error)
    flash(_("Thank you: the author is told how it went."), "success")
    return _back(practice)


@bp.post("/<int:practice_id>/discussion")
@requires(can.can_use_practices)
def discuss_practice(practice_id: int):
    """Start the practice's thread in its author's group (once), or go to it."""
    practice = _practice_or_404(practice_id)
    if services.discussion_of(current_user, practice) is None:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        thread_id = services.discuss(practice, current_user)
    except services.PracticeError as error:
        return _back(practice, error)
    return see_other(thread_path(thread_id))
