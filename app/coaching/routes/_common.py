"""What coaching's routes share: loading rows the person may see, form errors, and the
leader's own record page (theirs at /coaching/me, and a coach's own when they are coached)."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from app.accounts import services as accounts
from app.accounts.models import User
from app.htmx import render

from .. import services
from ..forms import TickForm
from ..permissions import can_coach, can_see_check_in


def coached_leader_or_404(leader_id: int) -> User:
    """A leader the signed-in coach coaches; anyone else's (or nobody's) is not found."""
    leader = accounts.get_user(leader_id)
    if leader is None or not can_coach(current_user, leader):
        abort(404)
    return leader


def check_in_or_404(check_in_id: int):
    check_in = services.get_check_in(check_in_id)
    if check_in is None or not can_see_check_in(current_user, check_in):
        abort(404)
    return check_in


def as_coach_or_403(check_in) -> None:
    """Only the leader's coach records a check-in; its leader, who can see it, may not."""
    if not can_coach(current_user, check_in.leader):
        abort(403)


def my_record_page():
    """``?actions=all``: every done action, not only the latest."""
    every = request.args.get("actions") == "all"
    return render(
        "coaching/my_record.html",
        record=services.leader_record(current_user, every_done_action=every),
        tick_form=TickForm(),
    )
