"""The admin's pairings page: who coaches whom."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.accounts import services as accounts
from app.forms import status_of
from app.htmx import render, see_other
from app.permissions import requires

from .. import bp, services
from ..forms import ConfirmForm, PairForm
from ..permissions import can_manage_pairings


def _pair_form(overview: services.PairingsOverview) -> PairForm:
    form = PairForm()
    form.coach.choices = [SelectChoice(0, _("Choose a coach"))] + [
        SelectChoice(p.id, p.display_name) for p in overview.coaches
    ]
    form.leader.choices = [SelectChoice(0, _("Choose a leader"))] + [
        SelectChoice(p.id, p.display_name) for p in overview.leaders
    ]
    return form


@bp.route("/pairings", methods=["GET", "POST"])
@requires(can_manage_pairings)
def pairings():
    overview = services.pairings_overview()
    form = _pair_form(overview)
    if form.validate_on_submit():
        coach, leader = (
            accounts.get_user(form.coach.data),
            accounts.get_user(form.leader.data),
        )
        if coach is None:
            form.coach.errors.append(_("Choose a coach."))
        if leader is None:
            form.leader.errors.append(_("Choose a leader."))
        if coach is not None and leader is not None:
            try:
                services.pair(coach, leader, by=current_user)
            except services.CoachingError as error:
                form.show_error(error)
            else:
                flash(
                    _(
                        "%(coach)s now coaches %(leader)s.",
                        coach=coach.display_name,
                        leader=leader.display_name,
                    ),
                    "success",
                )
                return see_other(url_for("coaching.pairings"))
    return render(
        "coaching/pairings.html",
        overview=overview,
        form=form,
        end_form=ConfirmForm(),
        status=status_of(form),
    )


@bp.post("/pairings/<int:leader_id>/end")
@requires(can_manage_pairings)
def end_pairing(leader_id: int):
    leader = accounts.get_user(leader_id)
    if leader is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.unpair(leader, by=current_user):
        flash(_("%(leader)s has no coach now.", leader=leader.display_name), "success")
    return see_other(url_for("coaching.pairings"))
