"""The review without JavaScript, one question per page: answer (POST → 303) → feedback
with the author's explanation, a link back to the lesson on a wrong answer → the next; the
card on Learn; the wrong person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.review.models import ReviewAnswer
from tests.conftest import sign_in
from tests.review.conftest import T0

NOW = T0 + timedelta(days=3)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The routes' clock, moved by the tests: ``clock.now = …``."""

    class Clock:
        now = NOW

    monkeypatch.setattr("app.review.services._common.utcnow", lambda: Clock.now)
    return Clock


def _csrf(html: str) -> str:
    """The page's CSRF token (none where the tests' settings turn the check off)."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else ""


def _form(html: str) -> dict:
    """The question's form on the page: where it posts, its key, its CSRF token."""
    action = re.search(
        r'<form id="review-question-\d+" class="question" method="post" action="([^"]+)"', html
    )
    key = re.search(r'name="key"[^>]*value="([^"]+)"', html)
    assert action and key, html
    return {"url": action.group(1), "key": key.group(1), "csrf_token": _csrf(html)}


def test_the_whole_review_without_javascript(client, make_user, login, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    login(leader)
    learn = client.get("/learn/").get_data(as_text=True)
    assert "Today's review" in learn and "2 questions" in learn

    page = client.get("/learn/review/").get_data(as_text=True)
    assert "1 of 2 today" in page and "Which?" in page
    form = _form(page)
    # A wrong answer: the author's explanation, the right answer, a way back to the lesson.
    response = client.post(
        form["url"], data={"choice": 2, "key": form["key"], "csrf_token": form["csrf_token"]}
    )
    assert response.status_code == 303
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not quite." in feedback and "No." in feedback
    assert re.search(r'href="/learn/review-course-\d+/lesson-1#question-\d+"', feedback)
    assert 'href="/learn/review/"' in feedback

    page = client.get("/learn/review/").get_data(as_text=True)
    assert "2 of 2 today" in page and "Which again?" in page
    form = _form(page)
    response = client.post(
        form["url"], data={"choice": 3, "key": form["key"], "csrf_token": form["csrf_token"]}
    )
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Correct." in feedback and "Go back to this moment" not in feedback

    done = client.get("/learn/review/").get_data(as_text=True)
    assert "Nothing to review now" in done  # the wrong one is due tomorrow, the right later
    assert "Done for today. Well done!" in client.get("/learn/").get_data(as_text=True)


def test_nothing_learned_yet_says_so(client, make_user, login):
    login(make_user("leader"))
    page = client.get("/learn/review/").get_data(as_text=True)
    assert "Nothing to review yet" in page


def test_nothing_due_says_when_the_next_is(client, make_user, login, learned, clock):
    leader = make_user("leader")
    learned(leader, lessons=1)
    clock.now = T0 + timedelta(hours=2)
    login(leader)
    page = client.get("/learn/review/").get_data(as_text=True)
    assert "The next question comes back on Wed 9 Dec 2026" in page


def test_a_double_tap_counts_once(client, make_user, login, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    login(leader)
    form = _form(client.get("/learn/review/").get_data(as_text=True))
    data = {"choice": 1, "key": form["key"], "csrf_token": form["csrf_token"]}
    first = client.post(form["url"], data=data)
    second = client.post(form["url"], data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ReviewAnswer)) == 1


def test_an_answer_without_its_key_is_refused(client, make_user, login, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    login(leader)
    form = _form(client.get("/learn/review/").get_data(as_text=True))
    response = client.post(form["url"], data={"choice": 1, "csrf_token": form["csrf_token"]})
    assert response.status_code == 303 and response.headers["Location"].endswith("/learn/review/")
    assert db.session.scalar(select(func.count()).select_from(ReviewAnswer)) == 0


def test_another_leader_s_answer_and_question_are_404(app, client, make_user, login, learned):
    leader, other = make_user("leader"), make_user("leader")
    learned(other, lessons=1)
    login(other)
    form = _form(client.get("/learn/review/").get_data(as_text=True))
    answer_url = client.post(
        form["url"], data={"choice": 1, "key": form["key"], "csrf_token": form["csrf_token"]}
    ).headers["Location"]
    client = app.test_client()
    sign_in(client, leader)
    assert client.get(answer_url).status_code == 404
    page = client.get("/learn/review/settings").get_data(as_text=True)
    csrf = _csrf(page)
    response = client.post(form["url"], data={"choice": 1, "key": "k" * 20, "csrf_token": csrf})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["coach", "admin", "author"])
def test_only_leaders_review(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/learn/review/").status_code == 403
    assert client.post("/learn/review/questions/1", data={"choice": 1}).status_code in (400, 403)
    assert client.get("/learn/review/settings").status_code == 403


def test_choices_on_me(client, make_user, login):
    leader = make_user("leader")
    login(leader)
    me = client.get("/me").get_data(as_text=True)
    assert 'href="/learn/review/settings"' in me
    page = client.get("/learn/review/settings").get_data(as_text=True)
    csrf = _csrf(page)
    response = client.post(
        "/learn/review/settings", data={"per_day": "8", "remind_hour": "", "csrf_token": csrf}
    )
    assert response.status_code == 303
    from app.review import services

    assert services.choices(leader) == services.Choices(8, None)
    refused = client.post(
        "/learn/review/settings", data={"per_day": "20", "remind_hour": "7", "csrf_token": csrf}
    )
    assert refused.status_code == 422
    assert services.choices(leader) == services.Choices(8, None)


def test_the_learn_card_costs_learn_no_statement(
    client, make_user, login, learned, count_queries, monkeypatch
):
    """Learn's statements are the same with the review's card as without it: the card's
    numbers ride on Learn's own statement (``registry.page_card(columns=…)``)."""
    from app import registry
    from app.learning.services import learn

    leader = make_user("leader")
    learned(leader, lessons=2)
    login(leader)

    def statements_of_learn() -> tuple[int, str]:
        learn._open_courses_statement.cache_clear()  # rebuilt with the cards registered now
        client.get("/learn/")
        with count_queries() as counter:
            page = client.get("/learn/").get_data(as_text=True)
        return counter.count, page

    with_card, page = statements_of_learn()
    assert "Today's review" in page and "4 questions" in page
    cards = {key: card for key, card in registry.PAGE_CARDS.items() if "review/" not in key[1]}
    monkeypatch.setattr(registry, "PAGE_CARDS", cards)
    without_card, page = statements_of_learn()
    assert "Today's review" not in page
    learn._open_courses_statement.cache_clear()
    assert with_card == without_card, (with_card, without_card)
