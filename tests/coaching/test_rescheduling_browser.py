"""Moving and cancelling a check-in in Chromium on a phone (360×740), with and without
JavaScript: a check-in left unrecorded flags the leader on the coach's dashboard; the
leader moves it on her own clock from the folded "Move or cancel" section; the coach sees
it moved (on his clock) and the flag gone; he cancels it with a reason; she is told, her
page says so and her calendar file now cancels the event."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from app.coaching import services
from app.db import utcnow
from app.forms import new_form_key
from tests.coaching.test_coaching_journey import _fits, _signed_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_leader_moves_it_and_the_coach_cancels_it(live_server, phone, make_user, javascript):
    coach = make_user("coach", name="Joseph Coach", timezone="Africa/Nairobi")
    leader = make_user("leader", name="Grace Wanjiru", timezone="Asia/Kuala_Lumpur")
    services.pair(coach, leader)
    two_days_ago = (utcnow() - timedelta(days=2)).date()
    check_in = services.schedule_check_in(
        coach, leader, day=two_days_ago, at=time(9, 30), mode="call", key=new_form_key()
    )
    url = f"{live_server}/coaching/check-ins/{check_in.id}"
    coach_page = _signed_in(phone, live_server, coach, javascript)
    coach_page.goto(f"{live_server}/coaching/")
    assert "has not been recorded" in coach_page.locator("#leaders").inner_text()

    leader_page = _signed_in(phone, live_server, leader, javascript)
    leader_page.goto(f"{live_server}/coaching/")
    leader_page.click("#check-ins a")
    leader_page.click("#change summary")
    next_week = (utcnow() + timedelta(days=7)).date()
    leader_page.fill("#day", next_week.isoformat())
    leader_page.fill("#at", "16:30")
    _fits(leader_page)
    leader_page.click("#reschedule button")
    leader_page.wait_for_selector(".flash:has-text('The check-in is moved.')")
    assert "16:30 (Asia/Kuala_Lumpur)" in leader_page.locator("#when").inner_text()
    assert "Moved by Grace Wanjiru" in leader_page.locator("#status").inner_text()

    coach_page.goto(f"{live_server}/coaching/")
    row = coach_page.locator("#leaders").inner_text()
    # On the coach's own clock (16:30 in Kuala Lumpur is 11:30 in Nairobi), day before month.
    moved_to = f"{next_week.day} {next_week:%b} {next_week.year}, 11:30"
    assert "has not been recorded" not in row and moved_to in row
    coach_page.goto(f"{live_server}/notifications/")
    assert "Grace Wanjiru moved your check-in" in coach_page.locator("main").inner_text()
    coach_page.goto(url)
    coach_page.click("#change summary")
    coach_page.fill("#reason", "I am called to a district meeting.")
    coach_page.click("#cancel button")
    coach_page.wait_for_selector(".flash:has-text('The check-in is cancelled.')")
    assert coach_page.locator("#change").count() == 0
    _fits(coach_page)

    leader_page.goto(f"{live_server}/notifications/")
    told = leader_page.locator("main").inner_text()
    assert "Joseph Coach cancelled your check-in" in told
    assert "I am called to a district meeting." in told
    leader_page.goto(url)
    status = leader_page.locator("#status").inner_text()
    assert "Cancelled by Joseph Coach" in status and "district meeting" in status
    assert leader_page.locator("#preparation form").count() == 0
    _fits(leader_page)
    calendar = Calendar.from_ical(
        leader_page.request.get(f"{url}/check-in.ics").body()  # the session's own cookies
    )
    [event] = calendar.walk("VEVENT")
    assert (calendar["method"], event["status"], event["sequence"]) == ("CANCEL", "CANCELLED", 2)
