"""The phone's copy of the next days' review, and the page's weight once the stylesheet and
scripts are on the phone."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.review.models import ReviewAnswer
from tests.review.conftest import T0

NOW = T0 + timedelta(days=3)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    class Clock:
        now = NOW

    monkeypatch.setattr("app.review.services._common.utcnow", lambda: Clock.now)
    return Clock


def test_the_copy_holds_the_next_days_with_the_page_s_keys(client, make_user, login, learned):
    leader = make_user("leader", locale="sw")
    learned(leader, lessons=1, right=True)
    learned(leader, lessons=1, right=True, at=NOW - timedelta(days=1))  # due tomorrow
    login(leader)
    pack = client.get("/learn/review/offline.json").get_json()
    assert pack["per_day"] == 5 and pack["done_today"] == 0 and pack["day"] == "2026-12-10"
    assert len(pack["questions"]) == 4
    first = pack["questions"][0]
    assert set(first) >= {"url", "key", "due", "prompt", "choices", "answer", "right", "wrong"}
    assert pack["words"]["correct"] == "Sahihi."
    # When nothing kept is due now, the phone names the next one's day, worded here.
    tomorrow = pack["questions"][-1]
    assert tomorrow["due_day"] and tomorrow["due_day"] != first["due_day"]
    assert "%(day)s" in pack["words"]["later"]
    # The page draws the same key for the same review: answered on either, it counts once.
    page = client.get("/learn/review/").get_data(as_text=True)
    assert re.search(r'name="key"[^>]*value="([^"]+)"', page).group(1) == first["key"]


def test_an_answer_queued_offline_lands_at_its_moment_once(
    client, make_user, login, learned, clock
):
    leader = make_user("leader")
    learned(leader, lessons=1)
    login(leader)
    first = client.get("/learn/review/offline.json").get_json()["questions"][0]
    answered = (NOW + timedelta(hours=1)).isoformat()
    clock.now = NOW + timedelta(days=1)  # back online a day later: the queue replays it
    for _ in range(2):
        data = {"choice": first["answer"], "key": first["key"], "answered_at": answered}
        assert client.post(first["url"], data=data).status_code == 303
    rows = db.session.scalars(select(ReviewAnswer)).all()
    assert len(rows) == 1 and rows[0].answered_at == NOW + timedelta(hours=1)
    # The next copy has a new key for that question's next review.
    again = client.get("/learn/review/offline.json").get_json()["questions"]
    assert first["key"] not in {q["key"] for q in again}


def test_the_review_page_is_a_few_kilobytes(client, make_user, login, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    login(leader)
    for url in ("/learn/review/", "/learn/review/offline.json"):
        body = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data()
        assert len(gzip.compress(body)) <= 6_000, (url, len(gzip.compress(body)))
    page = client.get("/learn/review/").get_data()
    print("review page bytes, gzip:", len(gzip.compress(page)), "raw:", len(page))
    assert len(gzip.compress(page)) <= 6_000


@pytest.mark.parametrize("role", ["coach", "admin"])
def test_only_leaders_get_a_copy(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/learn/review/offline.json").status_code == 403
