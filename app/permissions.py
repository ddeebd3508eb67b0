"""Who may do what, by role: the core's named predicates, and ``@requires`` for routes.

Each takes the acting person (possibly anonymous) first. The rules of an area (who reads a
group, edits a course, sees a check-in) are the area's own, written beside its models in
``app/<area>/permissions.py`` and registered there (``registry.predicate``); this module
knows no area, so no rule here can reach an area's rows, nor be silently broken when one
is renamed. Templates see every registered predicate, the core's and the areas', as a
global of its name.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.registry import predicate
from app.roles import Role


def signed_in(user) -> bool:
    """Whether ``user`` is someone (not anonymous, not None): where every rule starts."""
    return bool(user and user.is_authenticated)


@predicate
def is_admin(user) -> bool:
    return signed_in(user) and user.has_role(Role.ADMIN)


@predicate
def can_learn(user) -> bool:
    """Leaders: Learn, their lessons, their record."""
    return signed_in(user) and user.has_role(Role.LEADER)


@predicate
def can_author(user) -> bool:
    """Authors and admins: the studio."""
    return signed_in(user) and (user.has_role(Role.AUTHOR) or user.has_role(Role.ADMIN))


@predicate
def is_leader_or_coach(user) -> bool:
    """Leaders and coaches: the people groups and coaching are for (their tabs)."""
    return can_learn(user) or (signed_in(user) and user.has_role(Role.COACH))


def requires(rule):
    """Route decorator: 401 → sign-in for anonymous people, 403 for the wrong person."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
