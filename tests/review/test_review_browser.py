"""The daily review in Chromium at phone size, the journey of the issue: Grace does
today's review online, then offline (the page and the next days' questions are kept on
the phone; with no connection a question is answered from them, told right or wrong at
once), comes back online (the answer lands exactly once, at the moment it was given), and
tomorrow's due list reflects it: the question she got wrong is back, the one she got right
is not, and once it is answered the page says when the next comes back."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.i18n import format_when, reader
from app.learning.models import QuickCheckQuestion
from app.review.models import ReviewAnswer, ReviewCard
from tests.conftest import sign_in_page, wait_until

pytestmark = pytest.mark.browser

#: How far the test moves "now" on, server and phone alike: into tomorrow on any clock.
TOMORROW = timedelta(days=1, hours=1)


def _answers() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ReviewAnswer))


def _kept(page) -> bool:
    return page.evaluate(
        "async () => !!(await caches.match('/learn/review/offline.json'))"
        " && !!(await caches.match('/learn/review/'))"
    )


def _question(lesson, prompt: str) -> QuickCheckQuestion:
    return next(q for q in lesson.questions if q.prompt == prompt)


def _move_the_clocks(page, monkeypatch, by: timedelta) -> None:
    """Move "now" on by ``by`` for the server and the phone. The live server
    (``tests/conftest.py``) serves this process's app from a thread, and every review page
    and job reads its time through ``services.clock()``, which calls ``_common.utcnow`` as
    each request runs: replaced here, it is the server's clock for the requests that
    follow. The phone's clock (``answered_at``, review.js's day) moves with Playwright's."""
    monkeypatch.setattr("app.review.services._common.utcnow", lambda: utcnow() + by)
    page.clock.set_system_time(datetime.now(UTC) + by)


def test_a_day_online_then_offline_then_tomorrow(
    app, make_user, learned, phone, live_server, monkeypatch
):
    grace = make_user("leader", name="Grace")
    (lesson,) = learned(grace, lessons=1, at=utcnow() - timedelta(days=3))
    which, again = _question(lesson, "Which?"), _question(lesson, "Which again?")
    page = phone(service_workers="allow")
    page.clock.install()  # the phone's clock, running on its own until the test moves it
    sign_in_page(page, live_server, grace)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")

    # Online: the first question from the page, answered right.
    page.goto(f"{live_server}/learn/review/")
    page.wait_for_selector(f"#review-question-{which.id}")
    give_up = time.monotonic() + 15
    while not _kept(page):
        assert time.monotonic() < give_up, "the review was not kept on the phone"
        time.sleep(0.2)
    page.check(f"#review-question-{which.id} input[name=choice][value='1']")
    page.click(f"#review-question-{which.id} button")
    page.wait_for_selector(".feedback.good:has-text('Correct. Yes.')")
    assert _answers() == 1

    # Offline: the second, drawn by review.js from the kept questions, answered wrong.
    page.context.set_offline(True)
    page.goto(f"{live_server}/learn/review/")
    drawn = "#review[data-copy] form.question:not([id])"  # the page's own form has an id
    page.wait_for_selector(drawn)
    assert page.inner_text(f"{drawn} legend") == "Which again?"
    page.check(f"{drawn} input[name=choice][value='1']")
    before = utcnow()
    page.click(f"{drawn} button")
    page.wait_for_selector("#review .feedback.bad:has-text('Not quite. No.')")
    assert _answers() == 1

    # Back online: the queued answer lands once, at the moment it was given.
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: _answers() == 2)
    offline = db.session.scalar(select(ReviewAnswer).where(ReviewAnswer.question_id == again.id))
    assert not offline.correct
    assert before - timedelta(seconds=30) <= offline.answered_at <= utcnow()
    page.evaluate("() => navigator.serviceWorker.controller.postMessage('flush')")
    page.goto(f"{live_server}/learn/review/")
    page.wait_for_selector("#review")
    time.sleep(1)
    assert _answers() == 2

    # Tomorrow: FSRS brings the wrong one back (a day on) and keeps the right one away.
    cards = {c.question_id: c for c in db.session.scalars(select(ReviewCard))}
    tomorrow = utcnow() + TOMORROW
    assert cards[again.id].due <= tomorrow < cards[which.id].due
    _move_the_clocks(page, monkeypatch, TOMORROW)
    page.goto(f"{live_server}/learn/")
    assert "1 question, about a minute" in page.inner_text("#review-card")
    page.goto(f"{live_server}/learn/review/")
    page.wait_for_selector(f"#review-question-{again.id}")
    assert page.locator("#review form.question").count() == 1  # "Which?" is not back
    assert "1 of 1 today" in page.inner_text("#review")
    page.check(f"#review-question-{again.id} input[name=choice][value='3']")
    page.click(f"#review-question-{again.id} button")
    page.wait_for_selector(".feedback.good:has-text('Correct. Yes.')")
    assert _answers() == 3

    # Nothing due now: the page says when the next comes back, the day FSRS chose.
    db.session.rollback()
    latest = db.session.scalar(select(ReviewAnswer).order_by(ReviewAnswer.id.desc()).limit(1))
    # Answered at the phone's moment, tomorrow (a phone left on today would say today).
    assert latest.question_id == again.id and latest.correct
    assert latest.answered_at >= tomorrow - timedelta(minutes=5)
    next_due = db.session.scalar(select(func.min(ReviewCard.due)))
    assert next_due > utcnow() + TOMORROW
    with app.test_request_context(), reader("en", grace.timezone):
        day = format_when(next_due, "weekday")
    page.goto(f"{live_server}/learn/review/")
    said = page.inner_text("#review")
    assert f"Nothing to review now. The next question comes back on {day}." in said
    assert page.locator("#review form.question").count() == 0
    page.goto(f"{live_server}/learn/")
    assert "Done for today. Well done!" in page.inner_text("#review-card")
