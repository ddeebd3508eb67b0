"""Threads and posts through the routes: the page, the fragment HTMX swaps in, the plain
form's 303, and what each write leaves behind (counts, markers, notifications)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.forms import new_form_key
from app.groups import services
from app.groups.models import ModerationEntry, Post, PostReport, Thread, ThreadRead
from app.notifications.models import Notification
from tests.groups.conftest import new_key, reply

HX = {"HX-Request": "true"}


def _notes(user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def _key(html: str) -> str:
    return re.search(r'name="key" type="hidden" value="([^"]+)"', html)[1]


def test_starting_a_thread_with_a_plain_form(client, login, circle):
    login(circle.grace)
    page = client.get(f"/groups/{circle.group.id}/threads/new").get_data(as_text=True)
    response = client.post(
        f"/groups/{circle.group.id}/threads/new",
        data={"title": "Late arrivals", "body": "What works for you?", "key": _key(page)},
    )
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread))
    assert response.headers["Location"] == f"/groups/threads/{thread.id}"
    assert (thread.title, thread.reply_count, thread.first_post_id) == (
        "Late arrivals",
        0,
        thread.last_post_id,
    )


def test_a_thread_without_a_title_says_so_and_keeps_the_text(client, login, circle):
    login(circle.grace)
    response = client.post(
        f"/groups/{circle.group.id}/threads/new",
        data={"title": "  ", "body": "My long question", "key": new_key()},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the thread a title." in html and "My long question" in html
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_a_reply_by_htmx_is_only_the_new_posts_fragment(client, login, circle, thread):
    login(circle.amani)
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    key = _key(page)
    response = client.post(
        f"/groups/threads/{thread.id}/posts",
        data={"body": "We have a *reading* hour.", "key": key},
        headers=HX,
    )
    html = response.get_data(as_text=True)
    post = db.session.scalar(select(Post).where(Post.author_id == circle.amani.id))
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith(f'<li id="post-{post.id}"') and "<em>reading</em>" in html
    # The form's next key rides along out of band, not the one just used.
    assert 'hx-swap-oob="true"' in html and _key(html) != key
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_a_reply_without_javascript_goes_back_to_the_thread(client, login, circle, thread):
    login(circle.amani)
    response = client.post(
        f"/groups/threads/{thread.id}/posts", data={"body": "Thanks!", "key": new_key()}
    )
    post = db.session.scalar(select(Post).where(Post.author_id == circle.amani.id))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/groups/threads/{thread.id}#post-{post.id}"


def test_an_empty_reply_says_what_to_fix(client, login, circle, thread):
    login(circle.amani)
    response = client.post(
        f"/groups/threads/{thread.id}/posts", data={"body": "  ", "key": new_key()}, headers=HX
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply"
    assert "Write something before you send it." in response.get_data(as_text=True)
    too_long = "x" * 5001
    response = client.post(
        f"/groups/threads/{thread.id}/posts", data={"body": too_long, "key": new_key()}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "at most 5000 characters" in html and too_long in html


def test_the_same_key_twice_is_one_post(client, login, circle, thread):
    login(circle.amani)
    key = new_key()
    for _ in range(2):
        response = client.post(
            f"/groups/threads/{thread.id}/posts", data={"body": "Once", "key": key}
        )
        assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Post).filter_by(body="Once")) == 1
    assert db.session.get(Thread, thread.id).reply_count == 1
    assert len(_notes(circle.grace, "groups.reply")) == 1


def test_the_same_thread_form_twice_is_one_thread(circle):
    key = new_key()
    first = services.start_thread(circle.group, circle.grace, "Fees", "How?", key)
    again = services.start_thread(circle.group, circle.grace, "Fees", "How?", key)
    assert first.id == again.id
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_reply_tells_the_threads_author_and_mentions_tell_members(circle, thread):
    post = reply(thread, circle.amani, "Good question. @Joseph, @zawadi and @Nobody: thoughts?")
    # Shown as mentions where they name a member, and only there.
    assert '<strong class="mention">@Joseph</strong>' in post.body_html
    assert '<strong class="mention">@Nobody' not in post.body_html
    assert [n.params["name"] for n in _notes(circle.grace, "groups.reply")] == ["Amani Mutesi"]
    assert len(_notes(circle.coach, "groups.mention")) == 1
    assert _notes(circle.outsider) == []  # not in the group
    # Mentioning the thread's author tells them once, as a mention.
    reply(thread, circle.amani, "@GraceWanjiru what do you think?")
    assert len(_notes(circle.grace)) == 2
    assert len(_notes(circle.grace, "groups.mention")) == 1


def test_only_a_post_with_an_at_sign_reads_whom_it_may_mention(circle, thread, count_queries):
    """The members are read for a post with an "@" only; an "@" Markdown makes of an entity
    still shows as a mention (as it always has), though it tells no one."""
    with count_queries() as plain:
        reply(thread, circle.amani, "No one named here.")
    with count_queries() as named:
        reply(thread, circle.amani, "Named: @Joseph")
    reads_members = [any("JOIN group_members" in s for s in c.statements) for c in (plain, named)]
    assert reads_members == [False, True]
    post = reply(thread, circle.amani, "&#64;Joseph, as an entity")
    assert '<strong class="mention">@Joseph</strong>' in post.body_html
    assert len(_notes(circle.coach, "groups.mention")) == 1  # the "@Joseph" post alone


def test_the_thread_a_reply_was_given_counts_the_reply(circle, thread):
    """The service keeps the thread it was given across its commit (the new post's fragment
    reads it), with the counters the database moved read afresh."""
    before = thread.last_activity_at
    post = reply(thread, circle.amani, "One more.")
    assert (thread.reply_count, thread.last_post_id) == (1, post.id)
    assert thread.first_post_id < post.id and thread.last_activity_at > before
    assert post.id == db.session.scalar(select(Post.id).order_by(Post.id.desc()).limit(1))
    stored = db.session.execute(select(Post.created_at, Post.body_html).filter_by(id=post.id))
    assert stored.one() == (post.created_at, post.body_html)  # kept as the database has it


def test_a_first_name_two_members_share_needs_the_whole_name(make_user, circle, thread):
    other = make_user("leader", name="Grace Achieng")
    services.add_member(circle.group, other)
    reply(thread, circle.amani, "@Grace?")
    assert _notes(other) == [] and _notes(circle.grace, "groups.mention") == []
    reply(thread, circle.amani, "@graceachieng?")
    assert len(_notes(other, "groups.mention")) == 1


def test_edit_and_delete_ones_own_post(client, login, circle, thread):
    post = reply(thread, circle.amani, "Frist draft")
    login(circle.amani)
    assert (
        client.post(f"/groups/posts/{post.id}/edit", data={"body": "First draft"}).status_code
        == 303
    )
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert "First draft" in html and "edited" in html
    response = client.post(f"/groups/posts/{post.id}/delete", headers=HX)
    assert response.status_code == 200 and "Post removed." in response.get_data(as_text=True)
    post = db.session.get(Post, post.id)
    assert post.body == "" and post.deleted_at is not None
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert "First draft" not in html and "Post removed." in html


def test_a_quote_shows_who_and_what(client, login, circle, thread):
    login(circle.amani)
    page = client.get(f"/groups/threads/{thread.id}?quote={thread.first_post_id}")
    html = page.get_data(as_text=True)
    assert "Quoting Grace Wanjiru: How do you run reading corners?" in html
    response = client.post(
        f"/groups/threads/{thread.id}/posts",
        data={"body": "Like this", "key": _key(html), "quoted_post_id": thread.first_post_id},
    )
    assert response.status_code == 303
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert (
        f'<blockquote><a href="#post-{thread.first_post_id}">Grace Wanjiru</a>: How do you run'
        in html
    )


def test_the_group_page_lists_threads_by_activity_with_counts_and_unread(
    client, login, circle, thread
):
    later = services.start_thread(circle.group, circle.amani, "Parents' day", "Ideas?", new_key())
    reply(thread, circle.amani, "A reply moves this thread up.")
    login(circle.grace)
    html = client.get(f"/groups/{circle.group.id}").get_data(as_text=True)
    assert html.index(f"thread-{thread.id}") < html.index(f"thread-{later.id}")
    assert "1 reply" in html and "0 replies" in html
    assert html.count('class="unread"') == 2  # Amani's reply, and Amani's thread
    assert '<b class="badge">2' in client.get("/groups/").get_data(as_text=True)
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    html = client.get(f"/groups/{circle.group.id}").get_data(as_text=True)
    assert html.count('class="unread"') == 2  # looking (a GET) marks nothing
    assert 'id="read-marker"' in page and 'hx-trigger="load"' in page
    assert client.post(f"/groups/threads/{thread.id}/read", headers=HX).status_code == 204
    html = client.get(f"/groups/{circle.group.id}").get_data(as_text=True)
    assert html.count('class="unread"') == 1
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert 'id="read-marker"' not in page  # nothing new: no second request
    # The fragment for "older threads" is the list alone.
    fragment = client.get(f"/groups/{circle.group.id}?page=1", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and f"thread-{later.id}" in fragment


def test_older_posts_load_in_place(client, login, circle, thread):
    for n in range(services.POSTS_PER_PAGE + 3):
        reply(thread, circle.amani, f"Reply number {n}.")
    login(circle.grace)
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert "Reply number 3." in html and "Reply number 2." not in html
    assert "How do you run" in html  # the opening post stays on top
    older = re.search(r'hx-get="(/groups/threads/\d+\?before=\d+)"', html)[1]
    fragment = client.get(older, headers=HX).get_data(as_text=True)
    assert (
        "<html" not in fragment and "Reply number 0." in fragment and "Older posts" not in fragment
    )
    whole = client.get(older).get_data(as_text=True)  # the same link without JavaScript
    assert "<html" in whole and "Reply number 2." in whole and "Newest posts" in whole


def test_locked_threads_take_replies_from_moderators_only(client, login, circle, thread):
    login(circle.coach)
    assert client.post(f"/groups/threads/{thread.id}/lock").status_code == 303
    assert client.post(f"/groups/threads/{thread.id}/lock").status_code == 303  # twice: once
    assert (
        client.post(
            f"/groups/threads/{thread.id}/posts", data={"body": "Closing this.", "key": new_key()}
        ).status_code
        == 303
    )
    assert client.post(f"/groups/threads/{thread.id}/pin").status_code == 303
    actions = list(db.session.scalars(select(ModerationEntry.action).order_by(ModerationEntry.id)))
    assert actions == ["lock", "pin"]
    thread = db.session.get(Thread, thread.id)
    assert thread.locked and thread.pinned


def _lock(thread, moderator):
    services.set_thread_flag(thread, moderator, "locked", True)


def test_an_admin_in_the_group_replies_to_a_locked_thread(client, login, circle, thread):
    """Page and service ask the same rule: whoever may unlock the thread (an admin) may
    reply in it; the page offered the form and the service used to refuse it."""
    services.add_member(circle.group, circle.admin)  # a plain member, not a moderator
    _lock(thread, circle.coach)
    login(circle.admin)
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert 'name="body"' in page  # the reply form
    response = client.post(
        f"/groups/threads/{thread.id}/posts", data={"body": "Noted, closing.", "key": new_key()}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Post.body).where(Post.author_id == circle.admin.id))
    post = reply(thread, circle.admin, "And once more through the service.")
    assert post.author_id == circle.admin.id


def test_a_moderator_who_is_no_longer_a_coach_is_held_by_the_lock(client, login, circle, thread):
    """No longer a coach, a moderator may not lock, unlock or hide: nor reply past a lock,
    through the page or the service."""
    from app.accounts import services as accounts

    _lock(thread, circle.coach)
    coach = circle.coach
    accounts.update_account(coach, email=coach.email, phone=None, roles=["leader"], active=True)
    assert services.membership_of(coach, circle.group.id).is_moderator  # still the row says so
    login(coach)
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert 'name="body"' not in page and "Unlock" not in page
    response = client.post(
        f"/groups/threads/{thread.id}/posts", data={"body": "Past the lock", "key": new_key()}
    )
    assert response.status_code == 403
    with pytest.raises(services.GroupError, match="locked"):
        reply(thread, coach, "Past the lock, through the service")
    assert not db.session.scalar(select(Post.id).where(Post.author_id == coach.id))


def test_report_hide_and_restore(app, client, login, circle, thread):
    post = reply(thread, circle.amani, "Something unkind")
    login(circle.grace)
    response = client.post(f"/groups/posts/{post.id}/report", data={"reason": "  "})
    assert response.status_code == 422 and "Say what is wrong" in response.get_data(as_text=True)
    response = client.post(f"/groups/posts/{post.id}/report", data={"reason": "Unkind words"})
    assert response.status_code == 303
    assert db.session.scalar(select(PostReport.reason)) == "Unkind words"

    coach = app.test_client()
    from tests.conftest import sign_in

    sign_in(coach, circle.coach)
    html = coach.get(f"/groups/{circle.group.id}/moderation").get_data(as_text=True)
    assert "Unkind words" in html
    assert coach.post(f"/groups/posts/{post.id}/hide").status_code == 303
    assert "Something unkind" not in client.get(f"/groups/threads/{thread.id}").get_data(
        as_text=True
    )
    assert "Something unkind" in coach.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert [n.kind for n in _notes(circle.amani)] == ["groups.hidden"]
    assert coach.post(f"/groups/posts/{post.id}/restore").status_code == 303
    assert "Something unkind" in client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert len(_notes(circle.amani)) == 2
    log = coach.get(f"/groups/{circle.group.id}/moderation").get_data(as_text=True)
    assert "Post hidden" in log and "Post restored" in log and "No open reports." in log


def test_admins_create_groups_and_add_members(client, login, circle, make_user):
    login(circle.admin)
    response = client.post("/groups/new", data={"name": "Rwamagana heads", "key": new_form_key()})
    assert response.status_code == 303
    group_url = response.headers["Location"]
    newcomer = make_user("leader", name="Eric Habimana")
    response = client.post(group_url, data={"identifier": newcomer.email, "role": "member"})
    assert response.status_code == 303
    response = client.post(group_url, data={"identifier": newcomer.email, "role": "moderator"})
    assert response.status_code == 422
    assert "Only a coach can moderate a group" in response.get_data(as_text=True)
    response = client.post(group_url, data={"identifier": "nobody@example.org", "role": "member"})
    assert response.status_code == 422 and "Invite them from People" in response.get_data(
        as_text=True
    )
    assert services.first_group_of(newcomer).name == "Rwamagana heads"


def test_discuss_a_lesson_opens_one_thread(client, login, circle, make_course):
    from app.learning.models import Lesson

    make_course("talk", lessons=1)
    lesson = db.session.scalar(select(Lesson))
    login(circle.grace)
    url = f"/groups/lessons/{lesson.id}/discussion"
    first = client.post(url)
    again = client.post(url)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1
    # Once started, the link goes straight to it.
    assert client.get(url).headers["Location"] == first.headers["Location"]
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Lesson 1" in html and "No posts yet" in html
    lesson_page = client.get("/learn/talk/lesson-1").get_data(as_text=True)
    assert f"/groups/lessons/{lesson.id}/discussion" in lesson_page


def test_following_discuss_this_lesson_starts_nothing(client, login, circle, make_course):
    """Link prefetchers and crawlers follow links: a GET shows a page offering to start the
    thread, which only its button (a POST) does."""
    from app.learning.models import Lesson

    make_course("talk", lessons=1)
    lesson = db.session.scalar(select(Lesson))
    login(circle.grace)
    url = f"/groups/lessons/{lesson.id}/discussion"
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        assert "Start the discussion" in page.text and 'method="post"' in page.text
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_discuss_a_lesson_outside_any_group(client, login, make_user, make_course):
    from app.learning.models import Lesson

    make_course("alone", lessons=1)
    lesson = db.session.scalar(select(Lesson))
    login(make_user("leader"))
    response = client.get(f"/groups/lessons/{lesson.id}/discussion", follow_redirects=True)
    assert "You are not in a group yet" in response.get_data(as_text=True)


def test_discuss_a_competency_opens_one_thread(client, login, circle, framework):
    competency = framework.domains[0].competencies[0]
    login(circle.grace)
    url = f"/groups/competencies/{competency.id}/discussion"
    assert client.get(url).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    first = client.post(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assert competency.title in html
    assert client.get("/groups/competencies/2000000000/discussion").status_code == 404


def test_an_edit_that_empties_a_post_says_so_and_changes_nothing(client, login, circle, thread):
    post = reply(thread, circle.amani, "Keep me")
    login(circle.amani)
    response = client.post(f"/groups/posts/{post.id}/edit", data={"body": "   "})
    assert response.status_code == 422
    assert "Write something before you send it." in response.get_data(as_text=True)
    assert db.session.get(Post, post.id).body == "Keep me"


def test_a_hidden_post_cannot_be_edited_quoted_or_reported(client, login, circle, thread):
    post = reply(thread, circle.amani, "Hidden words")
    services.set_post_hidden(post, circle.coach, hidden=True)
    login(circle.amani)
    assert client.get(f"/groups/posts/{post.id}/edit").status_code == 403
    html = client.get(f"/groups/threads/{thread.id}?quote={post.id}").get_data(as_text=True)
    assert "Hidden words" not in html and "Hidden by a moderator." in html


def test_the_read_marker_without_javascript_and_its_bounds(client, login, circle, thread):
    """The thread page's form (a button in <noscript>) marks it read and comes back to the
    thread; a marker past the newest post stops at it."""
    login(circle.amani)
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert "<noscript><button>Mark as read</button></noscript>" in page
    marked = client.post(f"/groups/threads/{thread.id}/read", data={"up_to": "2147483647"})
    assert (
        marked.status_code == 303 and marked.headers["Location"] == f"/groups/threads/{thread.id}"
    )
    read = db.session.scalar(
        select(ThreadRead.last_read_post_id).filter_by(user_id=circle.amani.id)
    )
    assert read == thread.last_post_id
    later = reply(thread, circle.grace, "One more idea.")
    html = client.get(f"/groups/{circle.group.id}").get_data(as_text=True)
    assert html.count('class="unread"') == 1 and later.id > read


@pytest.mark.parametrize("who", ["outsider", None])
def test_the_read_marker_is_only_for_members(client, login, circle, thread, who):
    """Someone outside the group is told no such thread; nobody signed in is sent to sign
    in; neither leaves a marker."""
    if who:
        login(getattr(circle, who))
    response = client.post(f"/groups/threads/{thread.id}/read", headers=HX)
    if who:
        assert response.status_code == 404
    else:
        assert response.status_code in (302, 401)
    assert db.session.scalar(select(func.count()).select_from(ThreadRead)) == 1  # Grace's
