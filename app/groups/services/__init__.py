"""Peer groups' services, one module per topic; callers use this package
(``services.reply``). Each service a route or command calls commits its own work.

``groups`` holds groups, members and the lists; ``posting`` threads and posts;
``discussions`` threads tied to a lesson or competency; ``moderation`` reports and the
moderators' actions; ``photos`` attachments; ``digest`` the daily e-mail; ``markup`` the
light Markdown and @mentions; ``activity`` what a coach sees of a leader's part.
"""

from ._common import GroupError, membership_of
from .activity import RECENT_DAYS, PeerActivity, peer_activity
from .discussions import (
    competency_discussion,
    find_competency_discussion,
    find_lesson_discussion,
    get_competency,
    lesson_discussion,
)
from .groups import (
    THREADS_PER_PAGE,
    GroupItem,
    GroupPage,
    ThreadItem,
    add_member,
    create_group,
    first_group_of,
    get_group,
    group_page,
    member_names,
    members,
    my_groups,
    remove_member,
)
from .markup import render_post
from .moderation import moderation_page, report_post, set_post_hidden, set_thread_flag
from .photos import delete_photo, read_photo, reencode, store_photo
from .posting import (
    BODY_MAX,
    POSTS_PER_PAGE,
    PostView,
    ThreadPage,
    delete_post,
    discard_thread,
    edit_post,
    get_post,
    get_thread,
    hold_group,
    post_view,
    read_thread,
    reply,
    start_thread,
    start_thread_once,
    thread_and_membership,
    thread_page,
    thread_path,
)

__all__ = [
    "RECENT_DAYS",
    "PeerActivity",
    "peer_activity",
    "BODY_MAX",
    "POSTS_PER_PAGE",
    "THREADS_PER_PAGE",
    "GroupError",
    "GroupItem",
    "GroupPage",
    "PostView",
    "ThreadItem",
    "ThreadPage",
    "add_member",
    "competency_discussion",
    "find_competency_discussion",
    "find_lesson_discussion",
    "create_group",
    "delete_post",
    "discard_thread",
    "edit_post",
    "first_group_of",
    "get_competency",
    "get_group",
    "get_post",
    "hold_group",
    "get_thread",
    "group_page",
    "lesson_discussion",
    "member_names",
    "members",
    "membership_of",
    "moderation_page",
    "my_groups",
    "post_view",
    "read_photo",
    "read_thread",
    "reencode",
    "store_photo",
    "delete_photo",
    "remove_member",
    "render_post",
    "reply",
    "report_post",
    "set_post_hidden",
    "set_thread_flag",
    "start_thread",
    "start_thread_once",
    "thread_and_membership",
    "thread_page",
    "thread_path",
]
