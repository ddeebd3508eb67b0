"""Practices in a real Chromium on a 360×740 phone, JavaScript on and off: a leader shares
a practice, her coach approves it, another leader finds it, tries it and says how it went,
and the author sees the count; and what the library and a practice's page weigh."""

from __future__ import annotations

import pytest

from benchmarks.page_weight import FIRST_VISIT_BUDGET, NAVIGATION_BUDGET, Meter
from tests.conftest import PASSWORD
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/sign-in")
    page.fill("#identifier", user.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: not url.endswith("/sign-in"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_share_review_find_try_and_report(live_server, phone, w, javascript):
    amina = phone(java_script_enabled=javascript)
    _sign_in(amina, live_server, w.amina)
    amina.goto(f"{live_server}/practices/new")
    amina.fill("#title", "Morning huddles")
    amina.fill("#problem", "Staff hear news late.")
    amina.fill("#steps", "Ten minutes at 7:30, standing.")
    amina.click("form.stack button.primary")
    amina.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    practice_url = amina.url
    amina.click("button:has-text('Send for review')")
    amina.wait_for_selector("text=With your coach for review")

    coach = phone(java_script_enabled=javascript)
    _sign_in(coach, live_server, w.coach)
    coach.goto(f"{live_server}/practices/reviews")
    coach.click("text=Morning huddles")
    coach.check("input[value=approve]")
    coach.click("button:has-text('Send the review')")
    coach.wait_for_selector("text=Your review is sent to the author.")

    chen = phone(java_script_enabled=javascript)
    _sign_in(chen, live_server, w.chen)
    chen.goto(f"{live_server}/practices/")
    chen.fill("#q", "huddles")
    chen.click("form[role=search] button")
    chen.click("#results >> text=Morning huddles")
    chen.click('button:has-text("I\'ll try this")')
    chen.wait_for_selector("text=You are trying this.")
    chen.check("input[value=worked]")
    chen.fill("#note", "Staff came on time.")
    chen.click("button:has-text('Say how it went')")
    chen.wait_for_selector("text=You said: It worked")

    amina.goto(practice_url)
    assert amina.is_visible("text=Tried by 1 leader: 1 worked, 0 partly, 0 not for them")
    assert amina.viewport_size == {"width": 360, "height": 740}
    width = amina.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone


def test_the_library_and_a_practice_stay_within_their_byte_budgets(live_server, phone, w):
    practice = make_practice(w)
    for n in range(15):
        make_practice(w, title=f"Practice {n}")
    page = phone()
    meter = Meter(page, throttle=False)
    _sign_in(page, live_server, w.chen)
    meter.clear_cache()
    library = meter.measure(
        "library", "first visit", lambda: page.goto(f"{live_server}/practices/")
    )
    assert library.bytes <= FIRST_VISIT_BUDGET, library
    meter.clear_cache()
    one = meter.measure(
        "practice", "first visit", lambda: page.goto(f"{live_server}/practices/{practice.id}")
    )
    assert one.bytes <= FIRST_VISIT_BUDGET, one
    page.goto(f"{live_server}/practices/")
    page.wait_for_load_state("networkidle")
    later = meter.measure(
        "library → practice",
        "navigation",
        lambda: (page.click(f"#practice-{practice.id} a"), page.wait_for_url(f"**/{practice.id}")),
    )
    assert later.bytes <= NAVIGATION_BUDGET, later
    print(library, one, later)  # shown with -s: the measured bytes
