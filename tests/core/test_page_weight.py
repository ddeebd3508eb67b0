"""Byte budgets for a phone on a slow link, measured in a real Chromium.

Bytes are deterministic, so they are asserted here; times are only printed by
``benchmarks/page_weight.py``.
"""

from __future__ import annotations

import pytest

from benchmarks.page_weight import FIRST_VISIT_BUDGET, NAVIGATION_BUDGET, Meter, shell_journey
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_shell_pages_stay_within_their_byte_budgets(live_server, phone, make_user):
    leader = make_user("leader", email=None, phone="+254700111222")
    page = phone()
    results = shell_journey(page, Meter(page, throttle=False), live_server, leader.phone, PASSWORD)
    by_name = {r.page: r for r in results}
    assert set(by_name) == {"sign-in", "home", "home → Me"}
    for name in ("sign-in", "home"):
        assert 10_000 < by_name[name].bytes <= FIRST_VISIT_BUDGET, by_name[name]
    # A tab is one request for a few kilobytes: the stylesheet and htmx come from the cache.
    navigation = by_name["home → Me"]
    assert navigation.requests == 1 and 500 < navigation.bytes <= NAVIGATION_BUDGET, navigation
