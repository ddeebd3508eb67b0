"""Who may do what: named predicates, used by routes and templates alike.

Each takes the acting user (possibly anonymous) first. Areas add theirs here so a
rule is written once and read the same everywhere.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.roles import Role


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_admin(user) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


def can_manage_people(user) -> bool:
    return is_admin(user)


def can_learn(user) -> bool:
    return _signed_in(user) and user.has_role(Role.LEADER)


def can_coach(user, leader=None) -> bool:
    """Without a leader: whether ``user`` coaches at all (the "My leaders" tab). With one:
    whether ``user`` is that leader's paired coach, who sees their record, their
    self-assessments and the entries they share. ``leader.coach_pairing`` is the coaching
    area's backref on the user (None when nobody coaches them)."""
    if not (_signed_in(user) and user.has_role(Role.COACH)):
        return False
    if leader is None:
        return True
    pairing = getattr(leader, "coach_pairing", None)
    return pairing is not None and pairing.coach_id == user.id


def can_manage_pairings(user) -> bool:
    return is_admin(user)


def can_see_check_in(user, check_in) -> bool:
    """The check-in's leader, and whoever coaches that leader now."""
    if not _signed_in(user):
        return False
    return check_in.leader_id == user.id or can_coach(user, check_in.leader)


def can_see_private_notes(user, check_in) -> bool:
    """Only the coach who held the check-in, while they still coach the leader."""
    return check_in.coach_id == getattr(user, "id", None) and can_coach(user, check_in.leader)


def can_author(user) -> bool:
    return _signed_in(user) and (user.has_role(Role.AUTHOR) or user.has_role(Role.ADMIN))


def can_manage_frameworks(user) -> bool:
    return is_admin(user)


def can_view_lesson(user, lesson) -> bool:
    """A leader may open any published lesson of a published course; authors and admins
    may preview any lesson. Programmes will narrow this to their cohorts' courses."""
    if not _signed_in(user):
        return False
    if can_author(user):
        return True
    return can_learn(user) and lesson.published and lesson.course.published


def can_manage_media(user, asset) -> bool:
    """Who uploaded it, and anyone who authors: see its progress, retry it."""
    if not _signed_in(user):
        return False
    return can_author(user) or (asset.owner_id is not None and asset.owner_id == user.id)


def can_view_media(user, asset) -> bool:
    """Whoever may manage it, and whoever may see a lesson that plays it."""
    if can_manage_media(user, asset):
        return True
    if not _signed_in(user):
        return False
    # ``lessons`` is the learning area's backref: media knows nothing of lessons.
    return any(can_view_lesson(user, lesson) for lesson in asset.lessons)


def requires(predicate):
    """Route decorator: 401 → sign-in for anonymous people, 403 for the wrong person."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


PREDICATES = {
    name: fn for name, fn in globals().items() if name.startswith(("can_", "is_")) and callable(fn)
}
