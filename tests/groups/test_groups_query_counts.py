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


def test_reading_a_thread_again_with_nothing_new_writes_nothing(
    client, login, circle, count_queries
):
    login(circle.grace)
    thread = services.start_thread(circle.group, circle.amani, "Read twice", "Start", new_key())
    reply(thread, circle.amani, "A first reply")
    url = f"/groups/threads/{thread.id}"

    def writes(counter) -> list[str]:
        return [
            s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))
        ]

    with count_queries() as first:
        assert client.get(url).status_code == 200
    with count_queries() as again:
        assert client.get(url).status_code == 200
    assert len(writes(first)) == 1  # the read marker
    assert writes(again) == [] and again.count == first.count - 1, again.statements

    # Something new: the next visit marks it read up to the new post.
    newer = reply(services.get_thread(thread.id), circle.amani, "A second reply")
    with count_queries() as after_news:
        page = client.get(url)
    assert len(writes(after_news)) == 1
    assert newer.body in page.text
    with count_queries() as settled:
        client.get(url)
    assert writes(settled) == []
