"""The coach's side: the dashboard, a leader's page, their priority, booking a check-in."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import registry
from app.forms import status_of
from app.frameworks import services as frameworks
from app.groups import services as groups
from app.htmx import render, see_other
from app.permissions import can_learn, requires
from app.urls import row_ids

from .. import bp, services
from ..forms import PriorityForm, ScheduleForm
from ..permissions import can_coach, can_manage_pairings
from ._common import coached_leader_or_404, my_record_page


@bp.get("/")
@login_required
def home():
    """ "My leaders" for a coach; a leader's own coaching record for a leader."""
    if can_coach(current_user):
        board = services.dashboard(current_user)
        return render(
            "coaching/dashboard.html",
            rows=board.rows,
            coached=board.coached,
            cards=registry.page_cards("coaching.home", current_user),
        )
    if can_learn(current_user):
        return my_record_page()
    if can_manage_pairings(current_user):
        return redirect(url_for("coaching.pairings"))
    abort(403)


@bp.get("/leaders/<int:leader_id>")
@requires(can_coach)
def show_leader(leader_id: int):
    leader = coached_leader_or_404(leader_id)
    return render(
        "coaching/leader.html",
        record=services.leader_record(leader, coach=current_user),
        peers=groups.peer_activity(leader.id),
        cards=registry.page_cards("coaching.show_leader", leader),
    )


def _competency_choices():
    framework = frameworks.default_framework()
    if framework is None:
        return None, []
    by_domain = frameworks.competencies_by_domain(framework)
    return framework, [(d, by_domain[d.id]) for d in framework.domains if by_domain.get(d.id)]


@bp.route("/leaders/<int:leader_id>/priority", methods=["GET", "POST"])
@requires(can_coach)
def edit_priority(leader_id: int):
    leader = coached_leader_or_404(leader_id)
    priority = services.priority_of(leader)
    form = PriorityForm(obj=priority)
    framework, domains = _competency_choices()
    chosen = set(priority.competency_ids) if priority else set()
    if form.validate_on_submit():
        chosen = row_ids(request.form.getlist("competency"))
        fields = services.PriorityFields(
            title=form.title.data,
            why=form.why.data or "",
            measure=form.measure.data or "",
            baseline=form.baseline.data or "",
            target=form.target.data or "",
            status=form.status.data,
            competency_ids=tuple(sorted(chosen)),
        )
        try:
            services.save_priority(
                leader,
                fields,
                by=current_user,
                framework_id=framework.id if framework else None,
                key=form.key.data,
            )
        except services.CoachingError as error:
            form.show_error(error)
        else:
            flash(_("The priority is saved."), "success")
            return see_other(url_for("coaching.show_leader", leader_id=leader.id))
    return render(
        "coaching/priority.html",
        leader=leader,
        form=form,
        domains=domains,
        chosen=chosen,
        status=status_of(form),
    )


@bp.route("/leaders/<int:leader_id>/check-ins/new", methods=["GET", "POST"])
@requires(can_coach)
def schedule_check_in(leader_id: int):
    leader = coached_leader_or_404(leader_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            check_in = services.schedule_check_in(
                current_user,
                leader,
                day=form.day.data,
                at=form.at.data,
                mode=form.mode.data,
                key=form.key.data,
            )
        except services.CoachingError as error:
            form.show_error(error)
        else:
            flash(_("The check-in is booked."), "success")
            return see_other(url_for("coaching.show_check_in", check_in_id=check_in.id))
    return render(
        "coaching/schedule.html",
        leader=leader,
        form=form,
        status=status_of(form),
    )
