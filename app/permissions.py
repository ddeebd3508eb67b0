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


def can_run_programmes(user) -> bool:
    """Cohorts, bulk invitations, reports, research exports, the audit log, erasures."""
    return is_admin(user)


def can_learn(user) -> bool:
    return _signed_in(user) and user.has_role(Role.LEADER)


def can_coach(user, leader=None) -> bool:
    # Pairings arrive with coaching; until then any coach may see any leader.
    return _signed_in(user) and user.has_role(Role.COACH)


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
    # ``lessons`` and ``translated_lessons`` (a translation's own media) are the learning
    # area's backrefs: media knows nothing of lessons.
    lessons = [*asset.lessons, *(t.lesson for t in asset.translated_lessons)]
    return any(can_view_lesson(user, lesson) for lesson in lessons)


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
