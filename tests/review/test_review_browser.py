"""The daily review in Chromium at phone size, offline: the page and the next days'
questions are kept on the phone; with no connection a question is answered from them,
told right or wrong at once, and the answer lands exactly once, at the moment it was
given, when the connection returns."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.review.models import ReviewAnswer
from tests.conftest import PASSWORD, wait_until

pytestmark = pytest.mark.browser


def _answers() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ReviewAnswer))


def _kept(page) -> bool:
    return page.evaluate(
        "async () => !!(await caches.match('/learn/review/offline.json'))"
        " && !!(await caches.match('/learn/review/'))"
    )


def test_a_review_answered_offline_lands_once(make_user, learned, phone, live_server):
    leader = make_user("leader")
    learned(leader, lessons=1, at=utcnow() - timedelta(days=3))
    page = phone(service_workers="allow")
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=identifier]", leader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.goto(f"{live_server}/learn/review/")
    page.wait_for_selector("#review form.question")
    give_up = time.monotonic() + 15
    while not _kept(page):
        assert time.monotonic() < give_up, "the review was not kept on the phone"
        time.sleep(0.2)

    page.context.set_offline(True)
    page.goto(f"{live_server}/learn/review/")
    # The form review.js drew from the kept questions (the page's own has an id).
    drawn = "#review[data-copy] form.question:not([id])"
    page.wait_for_selector(drawn)
    assert page.inner_text(f"{drawn} legend") == "Which?"
    page.check(f"{drawn} input[name=choice][value='1']")
    before = utcnow()
    page.click(f"{drawn} button")
    page.wait_for_selector("#review .feedback.good:has-text('Correct. Yes.')")
    assert _answers() == 0

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: _answers() == 1)
    answer = db.session.scalar(select(ReviewAnswer))
    assert before - timedelta(seconds=30) <= answer.answered_at <= utcnow()
    page.evaluate("() => navigator.serviceWorker.controller.postMessage('flush')")
    page.goto(f"{live_server}/learn/review/")
    page.wait_for_selector("#review")
    time.sleep(1)
    assert _answers() == 1
