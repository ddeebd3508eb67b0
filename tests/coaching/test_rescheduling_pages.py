"""Moving and cancelling a check-in through its page, as a plain form and as HTMX; the
wrong people; the calendar file before and after (same UID, a higher SEQUENCE each time,
METHOD:CANCEL once cancelled); the words in French and Swahili."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.coaching import services
from app.coaching.models import CheckIn
from app.extensions import db
from app.notifications.models import Notification

HX = {"HX-Request": "true"}


def _check_in(check_in_id) -> CheckIn:
    db.session.expire_all()
    return db.session.get(CheckIn, check_in_id)


def _event(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_both_sides_get_the_forms_on_the_page_and_in_its_fragment(
    client, login, coach, leader, check_in
):
    leader.timezone = "Asia/Kuala_Lumpur"
    db.session.commit()
    url = f"/coaching/check-ins/{check_in.id}"
    for person, local in ((coach, "09:30"), (leader, "14:30")):
        login(person)
        whole, fragment = client.get(url), client.get(url, headers=HX)
        assert whole.status_code == fragment.status_code == 200
        assert "<html" in whole.get_data(as_text=True)
        body = fragment.get_data(as_text=True)
        assert "<html" not in body
        for page in (whole.get_data(as_text=True), body):
            assert 'id="change"' in page and 'id="reschedule"' in page and 'id="cancel"' in page
            # The form starts from the check-in's time on the reader's own clock.
            assert 'value="2030-03-04"' in page and f'value="{local}"' in page
        client.post("/sign-out")


def test_the_coach_moves_it_and_the_page_says_so(client, login, coach, leader, check_in):
    login(coach)
    response = client.post(
        f"/coaching/check-ins/{check_in.id}/reschedule", data={"day": "2030-03-06", "at": "14:00"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/coaching/check-ins/{check_in.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The check-in is moved." in page
    assert "Wed 6 Mar 2030, 14:00 (Africa/Nairobi)" in page and "Moved by Joseph Coach" in page
    assert _check_in(check_in.id).sequence == 1


def test_a_move_with_errors_comes_back_as_a_fragment_that_says_what_to_fix(
    client, login, leader, check_in
):
    login(leader)
    url = f"/coaching/check-ins/{check_in.id}/reschedule"
    response = client.post(url, data={"day": "2030-03-06", "at": ""}, headers=HX)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Choose the time." in body
    assert '<details id="change" open>' in body and 'value="2030-03-06"' in body
    response = client.post(url, data={"day": "1999-03-06", "at": "10:00"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<html" in body and "Check the year: choose a day between 2000 and 2100." in body
    assert _check_in(check_in.id).sequence == 0


def test_the_leader_cancels_it_with_a_reason_and_everything_follows(
    client, login, coach, leader, check_in
):
    login(leader)
    response = client.post(
        f"/coaching/check-ins/{check_in.id}/cancel", data={"reason": "I am ill this week."}
    )
    assert response.status_code == 303
    page = client.get(f"/coaching/check-ins/{check_in.id}").get_data(as_text=True)
    assert "The check-in is cancelled." in page
    assert "Cancelled by Grace Leader" in page and "Why: I am ill this week." in page
    for form in ('id="change"', "/preparation", "/notes", "/actions"):
        assert form not in page
    assert "cancelled" in client.get("/coaching/me").get_data(as_text=True)
    client.post("/sign-out")

    login(coach)
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "Grace Leader cancelled your check-in of Mon 4 Mar 2030, 09:30 (Africa/Nairobi)" in notes
    assert "I am ill this week." in notes
    page = client.get(f"/coaching/check-ins/{check_in.id}", headers=HX).get_data(as_text=True)
    assert "Cancelled by Grace Leader" in page and 'id="change"' not in page
    # The form sent again changes nothing.
    again = client.post(f"/coaching/check-ins/{check_in.id}/cancel", data={"reason": "x"})
    assert again.status_code == 303
    assert (_check_in(check_in.id).sequence, _check_in(check_in.id).cancel_reason) == (
        1,
        "I am ill this week.",
    )


def test_a_recorded_check_in_cannot_be_moved_and_says_why(client, login, coach, check_in):
    services.save_notes(check_in, shared="We met.", private="")
    login(coach)
    page = client.get(f"/coaching/check-ins/{check_in.id}").get_data(as_text=True)
    assert 'id="change"' not in page
    response = client.post(
        f"/coaching/check-ins/{check_in.id}/cancel", data={"reason": ""}, headers=HX
    )
    assert response.status_code == 422
    assert "already recorded" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "who",
    ["another coach", "another leader", "an admin", "an admin who coaches", "an author"],
)
def test_nobody_outside_the_pairing_moves_or_cancels_it(client, login, make_user, check_in, who):
    """Someone outside the pairing cannot see the check-in at all: the same 404 as its page
    gives them, so a guessed id tells nothing. Admins included (see can_change_check_in)."""
    roles = {
        "another coach": ("coach", "leader"),
        "another leader": ("leader",),
        "an admin": ("admin",),
        "an admin who coaches": ("admin", "coach"),
        "an author": ("author",),
    }[who]
    outsider = make_user(*roles)
    if "coach" in roles:
        services.pair(outsider, make_user("leader"))  # coaches someone, not this leader
    login(outsider)
    base = f"/coaching/check-ins/{check_in.id}"
    assert client.get(base).status_code == 404
    for headers in ({}, HX):
        moved = client.post(
            f"{base}/reschedule", data={"day": "2030-03-06", "at": "14:00"}, headers=headers
        )
        cancelled = client.post(f"{base}/cancel", data={"reason": "x"}, headers=headers)
        assert (moved.status_code, cancelled.status_code) == (404, 404), who
    check = _check_in(check_in.id)
    assert (check.sequence, check.cancelled_at) == (0, None)
    assert db.session.scalars(select(Notification)).all() == []


def test_signed_out_people_are_sent_to_sign_in(client, check_in):
    for verb in ("reschedule", "cancel"):
        response = client.post(f"/coaching/check-ins/{check_in.id}/{verb}")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_calendar_file_keeps_its_uid_and_counts_each_change(
    client, login, coach, leader, check_in
):
    login(coach)
    ics = f"/coaching/check-ins/{check_in.id}/check-in.ics"
    calendar, booked = _event(client.get(ics))
    assert calendar["method"] == "PUBLISH"
    assert (booked["sequence"], booked["status"]) == (0, "CONFIRMED")
    assert booked["organizer"].params["CN"] == "Joseph Coach"
    assert str(booked["organizer"]).startswith("urn:uuid:")
    assert "attendee" not in booked  # RFC 5546 3.2.1: a PUBLISH has no attendees
    assert b"example.org" not in client.get(ics).data  # nobody's e-mail address
    uid = str(booked["uid"])

    before = datetime.now(UTC) - timedelta(seconds=1)
    client.post(
        f"/coaching/check-ins/{check_in.id}/reschedule", data={"day": "2030-03-06", "at": "14:00"}
    )
    calendar, moved = _event(client.get(ics))
    assert calendar["method"] == "PUBLISH" and str(moved["uid"]) == uid
    assert moved["sequence"] == 1
    assert moved.decoded("dtstart") == datetime(2030, 3, 6, 11, 0, tzinfo=UTC)
    changed_at = _check_in(check_in.id).changed_at
    assert moved.decoded("last-modified") == changed_at.replace(microsecond=0) >= before
    assert moved.decoded("dtstamp") >= changed_at.replace(microsecond=0)
    client.post("/sign-out")

    login(leader)
    client.post(f"/coaching/check-ins/{check_in.id}/cancel", data={"reason": "Ill"})
    calendar, cancelled = _event(client.get(ics))
    assert calendar["method"] == "CANCEL"
    assert (str(cancelled["uid"]), cancelled["sequence"], cancelled["status"]) == (
        uid,
        2,
        "CANCELLED",
    )
    # RFC 5546 3.2.5: a CANCEL has its organizer and the attendee it no longer concerns.
    assert cancelled["organizer"].params["CN"] == "Joseph Coach"
    assert cancelled["attendee"].params["CN"] == "Grace Leader"
    assert str(cancelled["summary"]) == "Cancelled: coaching check-in with Joseph Coach"
    assert str(cancelled["description"]).startswith("Why: Ill\n")
    assert b"TZID:Africa/Nairobi" in client.get(ics).data


def test_the_calendar_file_is_made_now_and_changed_when_it_changed(coach, leader, check_in):
    made = datetime(2030, 3, 2, 7, tzinfo=UTC)
    changed = datetime(2030, 3, 1, 8, tzinfo=UTC)
    services.cancel_check_in(check_in, coach, now=changed)
    body = services.check_in_calendar(
        check_in, leader, summary="s", description="d", url="https://x/", domain="x", now=made
    )
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstamp") == made and event.decoded("last-modified") == changed
    assert str(event["uid"]) == f"check-in-{check_in.id}@x"


@pytest.mark.parametrize(
    ("locale", "words", "summary"),
    [
        (
            "fr",
            ["Déplacer ou annuler ce rendez-vous", "Annuler le rendez-vous"],
            "Annulé : rendez-vous de coaching avec Joseph Coach",
        ),
        (
            "sw",
            ["Hamisha au ghairi kikao hiki", "Ghairi kikao"],
            "Kimeghairiwa: kikao cha ukocha na Joseph Coach",
        ),
    ],
)
def test_the_leader_reads_it_in_french_and_swahili(
    client, login, leader, check_in, locale, words, summary
):
    leader.locale = locale
    db.session.commit()
    login(leader)
    page = client.get(f"/coaching/check-ins/{check_in.id}").get_data(as_text=True)
    for word in words:
        assert word in page
    client.post(f"/coaching/check-ins/{check_in.id}/cancel", data={"reason": ""})
    _, event = _event(client.get(f"/coaching/check-ins/{check_in.id}/check-in.ics"))
    assert str(event["summary"]) == summary
