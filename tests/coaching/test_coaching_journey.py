"""The coaching journey in Chromium on phones (360×740), with and without JavaScript: an
admin pairs a coach and a leader; the coach agrees a priority and books a check-in; the
leader prepares; the coach records notes, a rating and two actions; the leader ticks one
off; the dashboard reflects it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _signed_in(phone, base_url, user, javascript):
    page = phone(java_script_enabled=javascript)
    page.goto(f"{base_url}/sign-in")
    page.fill("input[name=identifier]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_pair_book_prepare_record_tick(live_server, phone, make_user, framework, javascript):
    admin = make_user("admin", name="Fatuma Admin")
    coach = make_user("coach", name="Joseph Coach", timezone="Africa/Nairobi")
    leader = make_user("leader", name="Grace Leader", timezone="Asia/Kuala_Lumpur")

    page = _signed_in(phone, live_server, admin, javascript)
    page.click("main a:has-text('Coaching pairs')")  # a card on the admin's home page
    page.wait_for_selector("h1:has-text('Coaching pairs')")
    page.select_option("#coach", label="Joseph Coach")
    page.select_option("#leader", label="Grace Leader")
    page.click("#pair button.primary")
    page.wait_for_selector("#pairings li:has-text('coached by Joseph Coach')")
    _fits(page)

    coach_page = _signed_in(phone, live_server, coach, javascript)
    coach_page.goto(f"{live_server}/coaching/")
    coach_page.click("#leaders a:has-text('Grace Leader')")
    coach_page.click("a:has-text('Agree a priority')")
    coach_page.fill("#title", "Every lesson checks understanding")
    coach_page.check("#competencies label:has-text('LL.2') input")
    coach_page.click("button:has-text('Save the priority')")
    coach_page.wait_for_selector("#priority:has-text('Every lesson checks understanding')")
    coach_page.click("a:has-text('Book a check-in')")
    coach_page.fill("#day", "2030-03-04")
    coach_page.fill("#at", "09:30")
    coach_page.check("input[value=video]")
    coach_page.click("button:has-text('Book it')")
    coach_page.wait_for_selector("#when:has-text('09:30 (Africa/Nairobi)')")
    check_in_url = coach_page.url.split("#")[0]
    _fits(coach_page)

    leader_page = _signed_in(phone, live_server, leader, javascript)
    leader_page.goto(f"{live_server}/coaching/")
    leader_page.click("#check-ins a")
    leader_page.wait_for_selector("#when:has-text('14:30 (Asia/Kuala_Lumpur)')")
    leader_page.fill("#tried", "Exit tickets in P4")
    leader_page.fill("#happened", "Most pupils got it")
    leader_page.fill("#help_needed", "Ideas for P3")
    leader_page.click("button:has-text('Save my preparation')")
    leader_page.wait_for_selector(".flash:has-text('Your preparation is saved')")
    _fits(leader_page)

    coach_page.goto(check_in_url)
    assert "Exit tickets in P4" in coach_page.locator("#preparation").inner_text()
    coach_page.fill("#notes", "Try hinge questions in P3.")
    coach_page.fill("#private", "Ask about the new deputy.")
    coach_page.click("button:has-text('Save the notes')")
    coach_page.wait_for_selector(".flash:has-text('The notes are saved')")
    coach_page.check("#ratings input[type=radio][value='3']")
    coach_page.click("#ratings button")
    coach_page.wait_for_selector(".flash:has-text('Your ratings are saved')")
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    for title, owner in (("Observe two P3 lessons", "leader"), ("Send hinge questions", "coach")):
        coach_page.fill("#add-action #title", title)
        coach_page.check(f"#add-action input[value={owner}]")
        coach_page.fill("#add-action #due_on", yesterday)
        coach_page.click("#add-action button")
        coach_page.wait_for_selector(f"#actions li:has-text('{title}')")
    coach_page.goto(f"{live_server}/coaching/")
    assert "2 actions overdue" in coach_page.locator("#leaders").inner_text()

    leader_page.goto(f"{live_server}/coaching/")
    text = leader_page.locator("main").inner_text()
    assert "Ask about the new deputy" not in text
    leader_page.locator("#actions li", has_text="Observe two P3 lessons").locator("button").click()
    leader_page.wait_for_selector("#actions li s:has-text('Observe two P3 lessons')")
    _fits(leader_page)

    coach_page.goto(f"{live_server}/coaching/")
    row = coach_page.locator("#leaders").inner_text()
    assert "1 action overdue" in row and "2 actions overdue" not in row
