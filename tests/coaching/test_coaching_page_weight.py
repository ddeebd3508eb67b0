"""Byte budgets for coaching pages in a real Chromium: a coach's dashboard with 50 leaders
and a leader's own record, on a first visit and as a navigation from another tab."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.coaching import services
from app.forms import new_form_key
from benchmarks.page_weight import FIRST_VISIT_BUDGET, NAVIGATION_BUDGET, Meter, follow, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _visit_and_navigate(page, base_url, user, first_from: str):
    meter = Meter(page, throttle=False)
    sign_in(page, base_url, user.email, PASSWORD)
    meter.clear_cache()
    first = meter.measure("coaching", "first visit", lambda: page.goto(f"{base_url}/coaching/"))
    page.goto(f"{base_url}{first_from}")
    page.wait_for_load_state("networkidle")
    navigation = meter.measure(
        "→ coaching", "navigation", lambda: follow(page, "nav.tabs a[href='/coaching/']")
    )
    return first, navigation


def test_the_dashboard_of_fifty_leaders_stays_within_budget(
    live_server, phone, make_user, coach, framework
):
    for n in range(50):
        leader = make_user("leader", name=f"Leader with a long name {n:02d}")
        services.pair(coach, leader)
        services.save_priority(
            leader,
            services.PriorityFields(title="Every lesson checks understanding before moving on"),
            by=coach,
            framework_id=framework.id,
            key=new_form_key(),
        )
        check_in = services.schedule_check_in(
            coach, leader, day=date(2026, 1, 5), at=time(9), mode="call", key=new_form_key()
        )
        services.add_action(
            check_in, title="x", owner="leader", due_on=date(2026, 1, 6), key=new_form_key()
        )
    first, navigation = _visit_and_navigate(phone(), live_server, coach, "/me")
    print(first, navigation)
    assert first.bytes <= FIRST_VISIT_BUDGET, first
    assert navigation.requests == 1 and navigation.bytes <= NAVIGATION_BUDGET, navigation


def test_a_leaders_record_stays_within_budget(live_server, phone, leader, priority, check_in):
    services.add_action(
        check_in, title="Observe", owner="leader", due_on=date(2030, 1, 1), key=new_form_key()
    )
    first, navigation = _visit_and_navigate(phone(), live_server, leader, "/learn/")
    print(first, navigation)
    assert first.bytes <= FIRST_VISIT_BUDGET, first
    assert navigation.requests == 1 and navigation.bytes <= NAVIGATION_BUDGET, navigation
