"""Groups, threads and posts for members: routes load, authorize (404 for what the person
may not know exists, 403 for what they may see but not do), call one service and render.
Every write is a plain form (POST → 303 → GET) that HTMX enhances: a reply appends only
the new post's fragment."""

from __future__ import annotations

from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.forms import status_of
from app.htmx import is_fragment_request, render, render_partial, retarget, see_other
from app.learning import services as learning
from app.learning.permissions import can_view_lesson
from app.permissions import requires
from app.sessions import same_for_everyone
from app.urls import id_arg, row_id

from .. import bp, limits, services
from .. import permissions as can
from ..forms import ActionForm, EditPostForm, PostForm, ReportForm, ThreadForm
from ._common import group_or_404, post_or_404, thread_or_404

PHOTO_MAX_AGE_S = 365 * 24 * 3600


def _status_of(error: services.GroupError) -> int:
    """429 for someone posting too fast (the form comes back whole), else 422."""
    return 429 if isinstance(error, limits.PostingTooFast) else 422


@bp.get("/")
@requires(can.can_use_groups)
def home():
    groups = services.my_groups(current_user, every_group=can.can_manage_groups(current_user))
    return render("groups/home.html", groups=groups)


@bp.get("/<int:group_id>")
@requires(can.can_use_groups)
def show_group(group_id: int):
    group, membership = group_or_404(group_id)
    page = services.group_page(current_user, group, id_arg("page", 1))
    return render(
        "groups/group.html", block="threads", page=page, group=group, membership=membership
    )


@bp.route("/<int:group_id>/threads/new", methods=["GET", "POST"])
@requires(can.can_use_groups)
def new_thread(group_id: int):
    group, membership = group_or_404(group_id)
    if not can.can_post_in_group(current_user, membership):
        abort(403)
    form = ThreadForm()
    status = 200
    if form.validate_on_submit():
        try:
            limits.check(current_user, photo=False)
            thread, created = services.start_thread_once(
                group, current_user, form.title.data, form.body.data, form.key.data
            )
        except services.GroupError as error:
            form.show_error(error)
            status = _status_of(error)
        else:
            if created:
                limits.count(current_user, photo=False)
            return see_other(url_for("groups.show_thread", thread_id=thread.id))
    status = status_of(form) if status == 200 else status
    return render("groups/new_thread.html", status=status, group=group, form=form)


def _reply_form(thread, quote_id: int | None = None) -> PostForm:
    form = PostForm(formdata=None)
    form.quoted_post_id.data = quote_id
    return form


@bp.get("/threads/<int:thread_id>")
@requires(can.can_use_groups)
def show_thread(thread_id: int):
    thread, membership = thread_or_404(thread_id)
    before = id_arg("before")
    page = services.thread_page(current_user, thread, before)
    quote = _quote_for(thread, membership, id_arg("quote"))
    return render(
        "groups/thread.html",
        block="older",
        page=page,
        unread_after=page.unread_after,
        thread=thread,
        membership=membership,
        form=_reply_form(thread, quote.post.id if quote else None),
        quote=quote,
    )


@bp.post("/threads/<int:thread_id>/read")
@requires(can.can_use_groups)
def mark_thread_read(thread_id: int):
    """The thread page, once shown, says how far the reader has read (htmx on load; a
    button without JavaScript, where replying marks it read too): 204 to htmx, else back
    to the thread."""
    thread, _membership = thread_or_404(thread_id)
    services.read_thread(current_user, thread, request.form.get("up_to", type=row_id))
    if is_fragment_request():
        return "", 204
    return see_other(url_for("groups.show_thread", thread_id=thread.id))


def _quote_for(thread, membership, post_id: int | None):
    """The post a reply is quoting, if it is one of this thread's that the reader can see."""
    post = services.get_post(post_id) if post_id else None
    if post is None or post.thread_id != thread.id:
        return None
    if not can.can_see_post(current_user, membership, post):
        return None
    return services.post_view(post)


@bp.post("/threads/<int:thread_id>/posts")
@requires(can.can_use_groups)
def reply(thread_id: int):
    thread, membership = thread_or_404(thread_id)
    if not can.can_reply_to_thread(current_user, membership, thread):
        abort(403)
    form = PostForm()
    error = None
    if form.validate_on_submit():
        photo = bool(form.photo.data)
        try:
            limits.check(current_user, photo=photo)
            view, created = services.reply(
                thread,
                membership,
                current_user,
                form.body.data or "",
                form.key.data,
                quoted_post_id=form.quoted_post_id.data,
                photo=form.photo.data.stream if form.photo.data else None,
            )
        except services.GroupError as problem:
            error = problem
            form.show_error(problem)
        else:
            if created:
                limits.count(current_user, photo=photo)
            if is_fragment_request():
                return render_partial(
                    "groups/_posted.html",
                    view=view,
                    thread=thread,
                    membership=membership,
                    form=_reply_form(thread),
                )
            return see_other(_post_url(thread, view.post))
    return _reply_failed(thread, membership, form, error)


def _reply_failed(thread, membership, form, error):
    """The reply form again with what is wrong and everything typed (the same key, so a
    corrected send is still the one post)."""
    quote = _quote_for(thread, membership, form.quoted_post_id.data)
    status = _status_of(error) if error else 422
    if is_fragment_request():
        return retarget(
            render_partial(
                "groups/_reply_form.html", status=status, thread=thread, form=form, quote=quote
            ),
            "#reply",
        )
    page = services.thread_page(current_user, thread)
    return render(
        "groups/thread.html",
        status=status,
        page=page,
        unread_after=page.unread_after,
        thread=thread,
        membership=membership,
        form=form,
        quote=quote,
    )


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@requires(can.can_use_groups)
def edit_post(post_id: int):
    post, thread, membership = post_or_404(post_id)
    if not can.can_edit_post(current_user, membership, post):
        abort(403)
    form = EditPostForm(data={"body": post.body})
    if form.validate_on_submit():
        try:
            services.edit_post(post, current_user, form.body.data or "")
        except services.GroupError as error:
            form.show_error(error)
        else:
            return see_other(_post_url(thread, post))
    status = status_of(form)
    return render("groups/edit_post.html", status=status, post=post, thread=thread, form=form)


def _post_url(thread, post) -> str:
    return url_for("groups.show_thread", thread_id=thread.id, _anchor=f"post-{post.id}")


@bp.post("/posts/<int:post_id>/delete")
@requires(can.can_use_groups)
def delete_post(post_id: int):
    post, thread, membership = post_or_404(post_id)
    if not can.can_edit_post(current_user, membership, post):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_post(post, current_user)
    if is_fragment_request():
        return render_partial(
            "groups/_post.html", view=services.post_view(post), thread=thread, membership=membership
        )
    flash(_("Your post was removed."), "success")
    return see_other(_post_url(thread, post))


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@requires(can.can_use_groups)
def report_post(post_id: int):
    post, thread, membership = post_or_404(post_id)
    if not can.can_report_post(current_user, membership, post):
        abort(403)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report_post(post, current_user, form.reason.data)
        except services.GroupError as error:
            form.show_error(error)
        else:
            flash(_("Thank you. The group's moderators will look at it."), "success")
            return see_other(_post_url(thread, post))
    status = status_of(form)
    view = services.post_view(post)
    return render("groups/report.html", status=status, view=view, thread=thread, form=form)


@bp.get("/posts/<int:post_id>/photo")
@requires(can.can_use_groups)
@same_for_everyone  # no Set-Cookie and no Vary: Cookie, as media.serve_asset_file
def show_photo(post_id: int):
    """A post's photo, for those who may read the post, checked from the session on every
    request (never a signed link, which anyone holding it could fetch).

    ``private``: the phone's browser keeps it for good (a photo's key is never reused, and
    one post's photo never changes) but no shared cache — a school's proxy — may.
    """
    post, _thread, membership = post_or_404(post_id)
    if not post.photo_key or not can.can_see_post(current_user, membership, post):
        abort(404)
    try:
        jpeg = services.read_photo(post.photo_key)
    except FileNotFoundError:
        abort(404)
    response = Response(jpeg, mimetype="image/jpeg")
    response.set_etag(post.photo_key.replace("/", "-"))
    response.cache_control.private = True
    response.cache_control.max_age = PHOTO_MAX_AGE_S
    response.cache_control.immutable = True
    return response.make_conditional(request)


@bp.route("/lessons/<int:lesson_id>/discussion", methods=["GET", "POST"])
@requires(can.can_use_groups)
def discuss_lesson(lesson_id: int):
    lesson = learning.get_lesson(lesson_id)
    if lesson is None or not can_view_lesson(current_user, lesson):
        abort(404)
    return _discussion(
        lesson.title, services.find_lesson_discussion, services.lesson_discussion, lesson
    )


@bp.route("/competencies/<int:competency_id>/discussion", methods=["GET", "POST"])
@requires(can.can_use_groups)
def discuss_competency(competency_id: int):
    competency = services.get_competency(competency_id)
    if competency is None:
        abort(404)
    return _discussion(
        f"{competency.code} {competency.title}",
        services.find_competency_discussion,
        services.competency_discussion,
        competency,
    )


def _discussion(subject: str, find, start, about):
    """GET opens the thread about ``about`` or offers to start it; only the button (a POST)
    starts it, so a link prefetcher or a crawler following the link makes nothing."""
    form = ActionForm()
    try:
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            thread = start(current_user, about)
        else:
            thread = find(current_user, about)
    except services.GroupError as error:
        flash(error.translated(), "info")
        return see_other(url_for("groups.home"))
    if thread is not None:
        return see_other(url_for("groups.show_thread", thread_id=thread.id))
    return render("groups/start_discussion.html", subject=subject, form=form)
