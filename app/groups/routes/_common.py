"""What the groups' routes share: loading what the reader may see (404 otherwise) and
putting a service's refusal on its form."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from .. import permissions as can
from .. import services


def group_or_404(group_id: int):
    """The group and the reader's place in it; 404 for those who may not read it."""
    group = services.get_group(group_id)
    membership = services.membership_of(current_user, group_id) if group else None
    if group is None or not can.can_view_group(current_user, membership):
        abort(404)
    return group, membership


def thread_or_404(thread_id: int):
    """The thread (holding its group) and the reader's place in the group, in one
    statement; 404 for those who may not read it."""
    found = services.thread_and_membership(current_user, thread_id)
    if found is None or not can.can_view_group(current_user, found[1]):
        abort(404)
    return found


def post_or_404(post_id: int):
    post = services.get_post(post_id)
    if post is None:
        abort(404)
    thread, membership = thread_or_404(post.thread_id)
    return post, thread, membership
