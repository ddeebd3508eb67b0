"""Who may do what in the peer groups: the groups list, reading, moderating and posting.

``membership`` is the person's own row in the group (a ``GroupMember``, which has
``is_moderator``), or None when they are not in it: routes load it once
(``thread_or_404``) and every rule of a page reads the same row.
"""

from __future__ import annotations

from app.permissions import is_admin, signed_in
from app.registry import predicate
from app.roles import Role


@predicate
def can_use_groups(user) -> bool:
    """The groups list: leaders, coaches and admins (each sees the groups they may read)."""
    return signed_in(user) and (
        user.has_role(Role.LEADER) or user.has_role(Role.COACH) or user.has_role(Role.ADMIN)
    )


@predicate
def can_manage_groups(user) -> bool:
    """Create groups, add and remove members, make coaches moderators."""
    return is_admin(user)


@predicate
def can_view_group(user, membership) -> bool:
    """Only its members and moderators, and admins, read a group."""
    return signed_in(user) and (membership is not None or is_admin(user))


@predicate
def can_moderate_group(user, membership) -> bool:
    """A coach the group's admin made one of its moderators, or an admin."""
    if not signed_in(user):
        return False
    if is_admin(user):
        return True
    return bool(membership and membership.is_moderator and user.has_role(Role.COACH))


@predicate
def can_post_in_group(user, membership) -> bool:
    """Start threads and reply: members and moderators (admins only read unless added)."""
    return signed_in(user) and membership is not None


@predicate
def can_reply_to_thread(user, membership, thread) -> bool:
    """Members and moderators reply, unless the thread is locked to them
    (:func:`can_pass_lock`)."""
    return can_post_in_group(user, membership) and can_pass_lock(user, membership, thread)


@predicate
def can_pass_lock(user, membership, thread) -> bool:
    """A locked thread takes replies only from whoever moderates its group
    (:func:`can_moderate_group`): those who may unlock it. An admin in the group replies;
    a moderator who is no longer a coach, and so may no longer lock, unlock or hide, is held
    by the lock like any member. The page and the service (``posting.reply``) both ask this."""
    return not thread.locked or can_moderate_group(user, membership)


@predicate
def can_see_post(user, membership, post) -> bool:
    """A hidden post's words (and photo) are for its group's moderators; a removed one's
    are gone for everyone."""
    if not can_view_group(user, membership) or post.deleted_at is not None:
        return False
    return post.hidden_at is None or can_moderate_group(user, membership)


@predicate
def can_edit_post(user, membership, post) -> bool:
    """Edit or delete: one's own post, while in the group, unless removed or hidden."""
    return (
        can_post_in_group(user, membership)
        and post.author_id == user.id
        and post.deleted_at is None
        and post.hidden_at is None
    )


@predicate
def can_report_post(user, membership, post) -> bool:
    """A member may report someone else's post that is still there."""
    return (
        can_post_in_group(user, membership)
        and post.author_id != user.id
        and post.deleted_at is None
        and post.hidden_at is None
    )
