"""Who may use each groups route: only members, the group's moderators and admins read a
group; a guessed id answers as a missing one does (404), so ids reveal nothing; the wrong
person on a page they can see gets 403."""

from __future__ import annotations

import pytest

from app.groups import services
from tests.conftest import sign_in
from tests.groups.conftest import new_key, reply

MISSING = 2_000_000_000


@pytest.fixture
def world(circle, thread):
    post = reply(thread, circle.amani, "We read aloud every morning.")
    other = services.create_group("Musanze cluster")
    other_thread = services.start_thread(
        other, circle.admin, "Elsewhere", "Not for Kibera's eyes.", new_key()
    )
    return {
        "c": circle,
        "g": circle.group.id,
        "t": thread.id,
        "p": post.id,  # Amani's
        "op": thread.first_post_id,  # Grace's
        "og": other.id,
        "ot": other_thread.id,
        "u": circle.amani.id,
    }


def _who(world, name):
    return getattr(world["c"], name)


# (method, url, person, status). Reads by people outside the group are 404s.
CASES = [
    ("GET", "/groups/", "outsider", 200),
    ("GET", "/groups/{g}", "outsider", 404),
    ("GET", "/groups/{og}", "grace", 404),
    ("GET", f"/groups/{MISSING}", "grace", 404),
    ("GET", "/groups/{g}", "admin", 200),
    ("GET", "/groups/{g}", "coach", 200),
    ("GET", "/groups/{g}/threads/new", "outsider", 404),
    ("GET", "/groups/{g}/threads/new", "admin", 403),
    ("POST", "/groups/{og}/threads/new", "grace", 404),
    ("GET", "/groups/threads/{t}", "outsider", 404),
    ("GET", "/groups/threads/{ot}", "grace", 404),
    ("GET", f"/groups/threads/{MISSING}", "grace", 404),
    ("POST", "/groups/threads/{t}/posts", "outsider", 404),
    ("POST", "/groups/threads/{ot}/posts", "grace", 404),
    ("POST", "/groups/threads/{t}/posts", "admin", 403),
    ("GET", "/groups/posts/{p}/edit", "grace", 403),
    ("POST", "/groups/posts/{p}/edit", "grace", 403),
    ("GET", "/groups/posts/{p}/edit", "outsider", 404),
    ("GET", f"/groups/posts/{MISSING}/edit", "amani", 404),
    ("POST", "/groups/posts/{p}/delete", "grace", 403),
    ("POST", "/groups/posts/{p}/delete", "coach", 403),
    ("POST", "/groups/posts/{p}/delete", "outsider", 404),
    ("GET", "/groups/posts/{p}/report", "amani", 403),
    ("GET", "/groups/posts/{p}/report", "outsider", 404),
    ("POST", "/groups/posts/{p}/report", "outsider", 404),
    ("GET", "/groups/posts/{p}/photo", "grace", 404),
    ("GET", "/groups/posts/{p}/photo", "outsider", 404),
    ("GET", f"/groups/lessons/{MISSING}/discussion", "grace", 404),
    ("GET", "/groups/new", "grace", 403),
    ("GET", "/groups/new", "coach", 403),
    ("POST", "/groups/new", "coach", 403),
    ("GET", "/groups/new", "admin", 200),
    ("GET", "/groups/{g}/members", "grace", 403),
    ("GET", "/groups/{g}/members", "coach", 403),
    ("POST", "/groups/{g}/members", "coach", 403),
    ("GET", "/groups/{g}/members", "admin", 200),
    ("GET", f"/groups/{MISSING}/members", "admin", 404),
    ("POST", "/groups/{g}/members/{u}/remove", "grace", 403),
    ("POST", "/groups/{g}/members/{u}/remove", "coach", 403),
    ("GET", "/groups/{g}/moderation", "grace", 403),
    ("GET", "/groups/{g}/moderation", "outsider", 404),
    ("GET", "/groups/{og}/moderation", "coach", 404),
    ("GET", "/groups/{g}/moderation", "coach", 200),
    ("GET", "/groups/{g}/moderation", "admin", 200),
    ("POST", "/groups/posts/{p}/hide", "grace", 403),
    ("POST", "/groups/posts/{p}/hide", "outsider", 404),
    ("POST", "/groups/posts/{p}/restore", "amani", 403),
    ("POST", "/groups/threads/{t}/lock", "grace", 403),
    ("POST", "/groups/threads/{t}/pin", "amani", 403),
    ("POST", "/groups/threads/{ot}/lock", "coach", 404),
    ("POST", f"/groups/threads/{MISSING}/lock", "coach", 404),
    ("POST", "/groups/threads/{t}/explode", "coach", 404),
]


@pytest.mark.parametrize(("method", "url", "who", "status"), CASES)
def test_each_route_answers_the_wrong_person(client, login, world, method, url, who, status):
    login(_who(world, who))
    path = url.format(**world)
    response = client.open(path, method=method, data={"body": "x", "reason": "y", "key": "k" * 16})
    assert response.status_code == status, (method, path, who)


@pytest.mark.parametrize("url", ["/groups/", "/groups/{g}", "/groups/threads/{t}", "/groups/new"])
def test_anonymous_people_are_sent_to_sign_in(client, world, url):
    response = client.get(url.format(**world))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_author_without_groups_cannot_open_them(client, login, make_user, world):
    login(make_user("author"))
    assert client.get("/groups/").status_code == 403
    assert client.get("/groups/{g}".format(**world)).status_code == 403


def test_a_removed_member_loses_the_group(client, login, world):
    circle = world["c"]
    services.remove_member(circle.group, circle.amani.id)
    login(circle.amani)
    assert client.get("/groups/{g}".format(**world)).status_code == 404
    assert client.get("/groups/threads/{t}".format(**world)).status_code == 404


def test_the_groups_list_shows_only_ones_own_groups(app, client, login, world):
    login(world["c"].grace)
    html = client.get("/groups/").get_data(as_text=True)
    assert "Kibera cluster" in html and "Musanze cluster" not in html
    admin = app.test_client()
    sign_in(admin, world["c"].admin)
    html = admin.get("/groups/").get_data(as_text=True)
    assert "Kibera cluster" in html and "Musanze cluster" in html


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "١٢", "0"])
def test_odd_page_and_post_numbers_are_ignored(client, login, world, value):
    login(world["c"].grace)
    assert client.get("/groups/{g}?page=".format(**world) + value).status_code == 200
    assert client.get("/groups/threads/{t}?before=".format(**world) + value).status_code == 200
    assert client.get("/groups/threads/{t}?quote=".format(**world) + value).status_code == 200


def test_a_post_from_another_thread_cannot_be_quoted(client, login, world):
    """A guessed post id in ``quote`` shows nothing of a group the reader is not in."""
    circle = world["c"]
    other_post = services.get_thread(world["ot"]).first_post_id
    login(circle.grace)
    html = client.get(f"/groups/threads/{world['t']}?quote={other_post}").get_data(as_text=True)
    assert "Not for Kibera" not in html
    response = client.post(
        f"/groups/threads/{world['t']}/posts",
        data={"body": "Quoting elsewhere", "key": new_key(), "quoted_post_id": other_post},
    )
    assert response.status_code == 303
    post = services.get_post(services.get_thread(world["t"]).last_post_id)
    assert post.quoted_post_id is None


@pytest.mark.parametrize("value", [str(2**63), str(2**31), "²", "-3", "0"])
def test_a_quoted_post_that_cannot_exist_is_refused_keeping_the_text(client, login, world, value):
    login(world["c"].grace)
    response = client.post(
        "/groups/threads/{t}/posts".format(**world),
        data={"body": "My reply", "key": new_key(), "quoted_post_id": value},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The post you quoted was not found" in html and "My reply" in html
