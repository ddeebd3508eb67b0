"""Byte budgets for the Learn page and a lesson page, in a real Chromium (issue 4)."""

from __future__ import annotations

import pytest

from benchmarks.page_weight import FIRST_VISIT_BUDGET, NAVIGATION_BUDGET, Meter, learning_journey
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_learn_and_lesson_pages_stay_within_their_byte_budgets(
    live_server, phone, make_user, demo_course
):
    leader = make_user("leader", email="grace@example.org")
    page = phone()
    results = learning_journey(
        page, Meter(page, throttle=False), live_server, leader.email, PASSWORD
    )
    by_name = {r.page: r for r in results}
    assert set(by_name) == {"learn", "lesson", "learn → lesson", "lesson → next lesson"}
    for name in ("learn", "lesson"):
        assert 10_000 < by_name[name].bytes <= FIRST_VISIT_BUDGET, by_name[name]
    for name in ("learn → lesson", "lesson → next lesson"):
        navigation = by_name[name]
        # The page, and for a lesson not started yet the POST saying it was opened (a 204).
        requests = 2 if name == "lesson → next lesson" else 1
        assert navigation.requests == requests, navigation
        assert 500 < navigation.bytes <= NAVIGATION_BUDGET, navigation
    print({r.page: r.bytes for r in results})
