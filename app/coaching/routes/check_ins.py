"""A check-in's page and everything written on it: preparation, notes, ratings, actions;
moving and cancelling it."""

from __future__ import annotations

from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.htmx import is_fragment_request, render, render_partial, see_other
from app.urls import public_host, public_url

from .. import bp, services
from ..forms import (
    ActionForm,
    CancelForm,
    NotesForm,
    PreparationForm,
    RatingForm,
    RescheduleForm,
    TickForm,
)
from ..permissions import can_change_check_in, can_coach, can_see_check_in, can_see_private_notes
from ..wording import calendar_words
from ._common import as_coach_or_403, check_in_or_404


def _check_in_url(check_in, anchor: str | None = None) -> str:
    return url_for("coaching.show_check_in", check_in_id=check_in.id, _anchor=anchor)


def _page(check_in, status: int = 200, *, chosen=None, invalid=frozenset(), **forms):
    """The check-in page with ``forms`` as sent (errors and all) and the rest fresh."""
    show_private = can_see_private_notes(current_user, check_in)
    page = services.check_in_page(check_in, current_user, show_private=show_private)
    if "prep_form" not in forms:
        forms["prep_form"] = PreparationForm(
            tried=check_in.prep_tried,
            happened=check_in.prep_happened,
            help_needed=check_in.prep_help,
        )
    if show_private and "notes_form" not in forms:
        forms["notes_form"] = NotesForm(notes=check_in.notes, private=page.private_note)
    forms.setdefault("action_form", ActionForm())
    if "reschedule_form" not in forms:
        local = check_in.starts_at.astimezone(page.zone)
        forms["reschedule_form"] = RescheduleForm(day=local.date(), at=local.time())
    forms.setdefault("cancel_form", CancelForm())
    return render(
        "coaching/check_in.html",
        check_in=check_in,
        is_coach=can_coach(current_user, check_in.leader),
        is_leader=check_in.leader_id == current_user.id,
        may_change=can_change_check_in(current_user, check_in)
        and not (check_in.held or check_in.cancelled),
        show_private=show_private,
        priority=page.priority,
        competencies=page.scale.competencies,
        levels=page.scale.levels,
        self_levels=page.scale.self_levels,
        coach_levels=chosen or page.coach_levels,
        invalid=invalid,
        change_open=forms.pop("change_open", False),
        actions=page.actions,
        rating_form=RatingForm(),
        tick_form=TickForm(),
        status=status,
        **forms,
    )


@bp.get("/check-ins/<int:check_in_id>")
@login_required
def show_check_in(check_in_id: int):
    return _page(check_in_or_404(check_in_id))


@bp.get("/check-ins/<int:check_in_id>/check-in.ics")
@login_required
def calendar_file(check_in_id: int):
    check_in = check_in_or_404(check_in_id)
    page = public_url("coaching.show_check_in", check_in_id=check_in.id)
    summary, description = calendar_words(check_in, current_user, page)
    body = services.check_in_calendar(
        check_in,
        current_user,
        summary=summary,
        description=description,
        url=page,
        domain=public_host(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="check-in-{check_in.id}.ics"'
    return response


def _changer_or_403(check_in_id: int):
    """The check-in, for someone who may move or cancel it: its leader or their coach.
    Anyone else cannot see it at all (404), as on its page."""
    check_in = check_in_or_404(check_in_id)
    if not can_change_check_in(current_user, check_in):
        abort(403)
    return check_in


@bp.post("/check-ins/<int:check_in_id>/reschedule")
@login_required
def reschedule_check_in(check_in_id: int):
    check_in = _changer_or_403(check_in_id)
    form = RescheduleForm()
    return _save(
        check_in,
        form,
        lambda: services.reschedule_check_in(
            check_in, current_user, day=form.day.data, at=form.at.data
        ),
        done=_("The check-in is moved."),
        reschedule_form=form,
        change_open=True,
    )


@bp.post("/check-ins/<int:check_in_id>/cancel")
@login_required
def cancel_check_in(check_in_id: int):
    check_in = _changer_or_403(check_in_id)
    form = CancelForm()
    return _save(
        check_in,
        form,
        lambda: services.cancel_check_in(check_in, current_user, reason=form.reason.data),
        done=_("The check-in is cancelled."),
        cancel_form=form,
        change_open=True,
    )


def _save(check_in, form, write, *, done: str, anchor: str | None = None, **page):
    """``write()`` (one service call) once ``form`` validates, then back to the check-in
    (at ``anchor``) saying ``done``; a refusal or a form that does not validate shows the
    page again (422) with ``page`` (the form as sent, a part to open)."""
    if form.validate_on_submit():
        try:
            write()
        except services.CoachingError as error:
            form.show_error(error)
        else:
            flash(done, "success")
            return see_other(_check_in_url(check_in, anchor))
    return _page(check_in, 422, **page)


@bp.post("/check-ins/<int:check_in_id>/preparation")
@login_required
def save_preparation(check_in_id: int):
    check_in = check_in_or_404(check_in_id)
    if check_in.leader_id != current_user.id:
        abort(403)
    form = PreparationForm()
    if not form.validate_on_submit():
        return _page(check_in, 422, prep_form=form)
    try:
        services.save_preparation(
            check_in,
            tried=form.tried.data,
            happened=form.happened.data,
            help_needed=form.help_needed.data,
        )
    except services.CoachingError as error:
        form.show_error(error)
        return _page(check_in, 422, prep_form=form)
    flash(_("Your preparation is saved. Your coach can read it."), "success")
    return see_other(_check_in_url(check_in, "preparation"))


@bp.post("/check-ins/<int:check_in_id>/notes")
@login_required
def save_notes(check_in_id: int):
    check_in = check_in_or_404(check_in_id)
    if not can_see_private_notes(current_user, check_in):
        abort(403)  # the leader, or a coach who took over: the record is its own coach's
    form = NotesForm()
    return _save(
        check_in,
        form,
        lambda: services.save_notes(check_in, shared=form.notes.data, private=form.private.data),
        done=_("The notes are saved."),
        anchor="record",
        notes_form=form,
    )


@bp.post("/check-ins/<int:check_in_id>/ratings")
@login_required
def save_ratings(check_in_id: int):
    check_in = check_in_or_404(check_in_id)
    as_coach_or_403(check_in)
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.save_ratings(check_in, form.ratings(request.form))
    except services.CoachingError as error:
        flash(error.translated(), "error")
        params = error.params
        return _page(
            check_in, 422, chosen=params.get("chosen"), invalid=params.get("invalid", set())
        )
    flash(_("Your ratings are saved."), "success")
    return see_other(_check_in_url(check_in, "ratings"))


@bp.post("/check-ins/<int:check_in_id>/actions")
@login_required
def add_action(check_in_id: int):
    check_in = check_in_or_404(check_in_id)
    as_coach_or_403(check_in)
    form = ActionForm()
    return _save(
        check_in,
        form,
        lambda: services.add_action(
            check_in,
            title=form.title.data,
            owner=form.owner.data,
            due_on=form.due_on.data,
            key=form.key.data,
        ),
        done=_("The action is added."),
        anchor="actions",
        action_form=form,
    )


@bp.post("/actions/<int:action_id>")
@login_required
def tick_action(action_id: int):
    action = services.get_action(action_id)
    check_in = services.get_check_in(action.check_in_id) if action else None
    if check_in is None or not can_see_check_in(current_user, check_in):
        abort(404)
    form = TickForm()
    if not form.validate_on_submit() or form.done.data not in ("0", "1"):
        abort(400)
    services.set_action_done(action, form.done.data == "1", current_user)
    if is_fragment_request():
        return render_partial("coaching/_action.html", action=action, tick_form=TickForm())
    if request.form.get("back") == "record":
        return see_other(url_for("coaching.my_record", _anchor=f"action-{action.id}"))
    return see_other(_check_in_url(check_in, f"action-{action.id}"))
