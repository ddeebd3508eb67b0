"""The group page, a thread's last page, older posts, the groups list and posting run the
same number of SQL statements with a handful of threads and posts or many more, with
quotes, authors and read markers: lists never count rows, and pages walk indexes."""

from __future__ import annotations

from app.groups import services
from tests.groups.conftest import new_key, reply


def _pages(client, circle, thread) -> dict[str, str]:
    return {
        "groups": "/groups/",
        "group": f"/groups/{circle.group.id}",
        "group page 2": f"/groups/{circle.group.id}?page=2",
        "thread": f"/groups/threads/{thread.id}",
        "older posts": f"/groups/threads/{thread.id}?before={thread.last_post_id}",
    }


def _measure(client, count_queries, circle, thread) -> dict[str, int]:
    counts = {}
    for name, url in _pages(client, circle, thread).items():
        client.get(url)  # warm: the first visit marks the thread read
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = counter.count
    with count_queries() as counter:
        response = client.post(
            f"/groups/threads/{thread.id}/posts",
            data={
                "body": "@Amani, counted?",
                "key": new_key(),
                "quoted_post_id": thread.first_post_id,
            },
        )
    assert response.status_code == 303
    counts["posting"] = counter.count
    return counts


def _grow(circle, thread, threads: int, replies: int) -> None:
    people = [circle.grace, circle.amani, circle.coach]
    for n in range(threads):
        services.start_thread(circle.group, people[n % 3], f"Topic {n}", f"Body {n}", new_key())
    for n in range(replies):
        reply(thread, people[n % 3], f"Reply {n} to @Grace", quoted_post_id=thread.first_post_id)


def test_statements_do_not_grow_with_threads_and_posts(client, login, circle, count_queries):
    login(circle.grace)
    thread = services.start_thread(circle.group, circle.amani, "Big thread", "Start", new_key())
    _grow(circle, thread, threads=21, replies=21)
    few = _measure(client, count_queries, circle, services.get_thread(thread.id))
    _grow(circle, thread, threads=60, replies=80)
    many = _measure(client, count_queries, circle, services.get_thread(thread.id))
    print("statements per page, few vs many:", few, many)
    assert few == many
    assert max(many.values()) <= 20, many  # the signed-in user and a few for the page
    # Reading a thread: the signed-in person with their roles and the unread badge in one
    # statement, their membership without loading them (and their roles) again, the
    # opening post with the replies, and the group named once.
    assert many["thread"] <= 8, many


# A reply: the signed-in person; the thread with its group and their place in it; the form's
# key claimed; the post; the thread's counters; the replier's read mark; the notifications
# (the thread's author, those mentioned) in one; the key's post recorded. Nothing is read
# again after the commit to draw the new post.
REPLY_STATEMENTS = 8
# Mentioning reads the group's members (to know whom "@Amani" names); quoting reads the
# quoted post with its author's name.
REPLY_WITH_MENTION_AND_QUOTE_STATEMENTS = REPLY_STATEMENTS + 2


def _replies(client, count_queries, thread) -> dict[str, int]:
    """The statements of each kind of reply, as HTMX sends it (the new post's fragment back)
    and as a plain form (a redirect)."""
    url = f"/groups/threads/{thread.id}/posts"  # read before counting: the test's own row
    sent = {
        "plain": {"body": "Tried it today."},
        "mention and quote": {"body": "@Amani, counted?", "quoted_post_id": thread.first_post_id},
    }
    counts = {}
    for name, data in sent.items():
        for how, headers, status in (("htmx", {"HX-Request": "true"}, 200), ("form", {}, 303)):
            with count_queries() as counter:
                response = client.post(url, data={**data, "key": new_key()}, headers=headers)
            assert response.status_code == status, response.get_data(as_text=True)[:300]
            counts[f"{name}, {how}"] = counter.count
    return counts


def test_a_reply_costs_the_same_few_statements_however_big_the_thread(
    client, login, circle, count_queries, make_user
):
    thread = services.start_thread(circle.group, circle.amani, "Big thread", "Start", new_key())
    login(circle.grace)
    client.get(f"/groups/threads/{thread.id}")  # warm
    few = _replies(client, count_queries, thread)
    # Many more members (each a reader of the thread, some mentioned), posts and
    # notifications.
    people = [make_user("leader", name=f"Member {n}") for n in range(25)]
    for person in people:
        services.add_member(circle.group, person)
    for n, person in enumerate(people * 3):
        reply(
            thread, person, f"Reply {n} to @Amani and @Grace", quoted_post_id=thread.first_post_id
        )
        services.read_thread(person, thread)
    many = _replies(client, count_queries, services.get_thread(thread.id))
    print("statements per reply, few vs many:", few, many)
    assert few == many
    assert many["plain, htmx"] <= REPLY_STATEMENTS, many
    assert many["plain, form"] <= REPLY_STATEMENTS, many
    assert many["mention and quote, htmx"] <= REPLY_WITH_MENTION_AND_QUOTE_STATEMENTS, many
    assert many["mention and quote, form"] <= REPLY_WITH_MENTION_AND_QUOTE_STATEMENTS, many
    # Telling everyone it names is one statement, however many they are.
    everyone = " ".join(f"@Member{n}" for n in range(25)) + " @Amani @Joseph"
    url = f"/groups/threads/{thread.id}/posts"
    with count_queries() as counter:
        response = client.post(
            url, data={"body": everyone, "key": new_key()}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200 and response.text.count('class="mention"') == 27
    assert counter.count <= REPLY_STATEMENTS + 1, counter.statements  # and the members
