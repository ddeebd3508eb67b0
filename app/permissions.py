"""Who may do what: named predicates, used by routes and templates alike.

Each takes the acting user (possibly anonymous) first. Areas add theirs here so a
rule is written once and read the same everywhere.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app import registry
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


def can_change_check_in(user, check_in) -> bool:
    """Move or cancel a check-in: either side of it, the leader and whoever coaches them
    now. Not admins as such: a check-in and its record are the pair's, and an admin sees
    none of them (an admin who coaches the leader acts as their coach)."""
    return can_see_check_in(user, check_in)


def can_see_private_notes(user, check_in) -> bool:
    """Only the coach who held the check-in, while they still coach the leader."""
    return check_in.coach_id == getattr(user, "id", None) and can_coach(user, check_in.leader)


def can_author(user) -> bool:
    return _signed_in(user) and (user.has_role(Role.AUTHOR) or user.has_role(Role.ADMIN))


def can_manage_frameworks(user) -> bool:
    return is_admin(user)


def can_edit_course(user, course) -> bool:
    """Admins edit every course; an author edits the courses they own or were added to.
    ``course.authors`` is the studio's backref: this module imports no area."""
    if is_admin(user):
        return True
    if not (_signed_in(user) and user.has_role(Role.AUTHOR)):
        return False
    return any(author.user_id == user.id for author in getattr(course, "authors", ()))


def can_view_lesson(user, lesson) -> bool:
    """A leader may open a published lesson of a published module and course (never a
    draft) of a course open to them: a programme's leaders, its courses (the programmes
    area says which through ``registry.course_access``). An author previews the lessons of
    the courses they edit, an admin any lesson."""
    if not _signed_in(user):
        return False
    if can_edit_course(user, lesson.course):
        return True
    published = lesson.published and lesson.module.published and lesson.course.published
    return (
        published
        and (can_learn(user) or can_author(user))
        and registry.may_open_course(user.id, lesson.course_id)
    )


def can_manage_media(user, asset) -> bool:
    """See its progress, retry it: who uploaded it, an admin, and the authors of a course
    whose lesson uses it (never any author: another author's draft video is not theirs)."""
    if not _signed_in(user):
        return False
    if is_admin(user) or (asset.owner_id is not None and asset.owner_id == user.id):
        return True
    return can_author(user) and any(
        can_edit_course(user, lesson.course) for lesson in _lessons_playing(asset)
    )


def can_view_media(user, asset) -> bool:
    """Whoever may manage it, and whoever may see a lesson that plays it."""
    if can_manage_media(user, asset):
        return True
    if not _signed_in(user):
        return False
    return any(can_view_lesson(user, lesson) for lesson in _lessons_playing(asset))


def _lessons_playing(asset) -> list:
    # ``lessons`` and ``translated_lessons`` (a translation's own media) are the learning
    # area's backrefs: media knows nothing of lessons.
    return [*asset.lessons, *(t.lesson for t in asset.translated_lessons)]


# Peer groups. ``membership`` is the person's own row in the group (anything with an
# ``is_moderator`` attribute), or None when they are not in it: the groups area loads it,
# so this module needs nothing of that area.


def can_use_groups(user) -> bool:
    """The groups list: leaders, coaches and admins (each sees the groups they may read)."""
    return _signed_in(user) and (
        user.has_role(Role.LEADER) or user.has_role(Role.COACH) or user.has_role(Role.ADMIN)
    )


def can_manage_groups(user) -> bool:
    """Create groups, add and remove members, make coaches moderators."""
    return is_admin(user)


def can_view_group(user, membership) -> bool:
    """Only its members and moderators, and admins, read a group."""
    return _signed_in(user) and (membership is not None or is_admin(user))


def can_moderate_group(user, membership) -> bool:
    """A coach the group's admin made one of its moderators, or an admin."""
    if not _signed_in(user):
        return False
    if is_admin(user):
        return True
    return bool(membership and membership.is_moderator and user.has_role(Role.COACH))


def can_post_in_group(user, membership) -> bool:
    """Start threads and reply: members and moderators (admins only read unless added)."""
    return _signed_in(user) and membership is not None


def can_reply_to_thread(user, membership, thread) -> bool:
    """A locked thread takes replies from its moderators only."""
    if not can_post_in_group(user, membership):
        return False
    return not thread.locked or can_moderate_group(user, membership)


def can_see_post(user, membership, post) -> bool:
    """A hidden post's words (and photo) are for its group's moderators; a removed one's
    are gone for everyone."""
    if not can_view_group(user, membership) or post.deleted_at is not None:
        return False
    return post.hidden_at is None or can_moderate_group(user, membership)


def can_edit_post(user, membership, post) -> bool:
    """Edit or delete: one's own post, while in the group, unless removed or hidden."""
    return (
        can_post_in_group(user, membership)
        and post.author_id == user.id
        and post.deleted_at is None
        and post.hidden_at is None
    )


def can_report_post(user, membership, post) -> bool:
    """A member may report someone else's post that is still there."""
    return (
        can_post_in_group(user, membership)
        and post.author_id != user.id
        and post.deleted_at is None
        and post.hidden_at is None
    )


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
