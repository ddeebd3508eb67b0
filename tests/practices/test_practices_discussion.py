"""A practice's discussion thread in its author's group: started by a POST, once, by a
member of that group; later presses (and other members) go to the same thread; anyone
else reads the practice without the link."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.groups import services as groups
from app.groups.models import Post, Thread
from app.practices import services
from app.practices.models import PracticeThread, Status
from tests.learning.test_double_taps import TAPS, Phone
from tests.practices.conftest import make_practice


def _threads() -> int:
    db.session.rollback()  # read what was committed
    return db.session.scalar(select(func.count()).select_from(Thread))


def test_a_member_starts_the_thread_once_and_others_join_it(w, client, login):
    practice = make_practice(w, author=w.amina)
    login(w.baraka)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert 'id="discussion"' in page and "/discussion" in page
    assert _threads() == 0  # looking makes nothing
    first = client.post(f"/practices/{practice.id}/discussion")
    assert first.status_code == 303 and "/groups/threads/" in first.location
    again = client.post(f"/practices/{practice.id}/discussion")
    assert again.location == first.location
    assert _threads() == 1
    link = db.session.get(PracticeThread, practice.id)
    assert link.group_id == w.group.id
    thread = db.session.get(Thread, link.thread_id)
    assert thread.group_id == w.group.id and thread.title == practice.title
    assert f"/practices/{practice.id}" in db.session.scalar(
        select(Post.body).where(Post.thread_id == thread.id)
    )
    client.post("/sign-out")
    login(w.amina)  # the author, a member too, is taken to the same thread
    assert client.post(f"/practices/{practice.id}/discussion").location == first.location
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert f"/groups/threads/{thread.id}" in page
    assert _threads() == 1


@pytest.mark.parametrize("who", ["chen", "coach", "admin"])
def test_who_is_not_in_the_group_sees_no_link_and_may_not_start_it(w, client, login, who):
    practice = make_practice(w)
    services.discuss(practice, w.baraka)
    login(getattr(w, who))
    response = client.get(f"/practices/{practice.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="discussion"' not in page and "/groups/threads/" not in page
    assert client.post(f"/practices/{practice.id}/discussion").status_code == 403


def test_no_discussion_before_approval_or_without_a_group(w, client, login):
    submitted = make_practice(w, Status.SUBMITTED)
    login(w.baraka)  # a member of the author's group: reads it, may not discuss it yet
    assert 'id="discussion"' not in client.get(f"/practices/{submitted.id}").get_data(as_text=True)
    assert client.post(f"/practices/{submitted.id}/discussion").status_code == 403
    lonely = make_practice(w, author=w.chen)  # Chen is in no group
    assert services.discussion_of(w.chen, lonely) is None
    with pytest.raises(services.PracticeError):
        services.discuss(lonely, w.chen)
    assert _threads() == 0


def test_a_member_who_links_second_drops_the_thread_they_made(w, monkeypatch):
    """Two members racing: Amina links her thread while Baraka is making his."""
    practice = make_practice(w)
    real = groups.start_thread_once

    def racing(group, author, title, body, key):
        hers, _made = real(group, w.amina, title, body, key)
        link = PracticeThread(practice_id=practice.id, thread_id=hers.id, group_id=group.id)
        db.session.add(link)
        db.session.commit()
        racing.hers = hers.id
        return real(group, author, title, body, key)

    monkeypatch.setattr(groups, "start_thread_once", racing)
    assert services.discuss(practice, w.baraka) == racing.hers
    assert _threads() == 1
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


@pytest.mark.usefixtures("live_server")
def test_a_double_tap_on_discuss_makes_one_thread(live_server, w):
    practice = make_practice(w)
    phone = Phone(live_server, w.baraka)
    statuses = phone.together("POST", f"/practices/{practice.id}/discussion")
    assert statuses == [303] * TAPS
    assert _threads() == 1
    assert db.session.scalar(select(func.count()).select_from(PracticeThread)) == 1
