"""A practice from draft to tried: the services' rules and the pages, with the wrong
person at each state."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.coaching.models import ActionItem
from app.extensions import db
from app.notifications.models import Notification
from app.practices import services
from app.practices.models import Practice, Status
from tests.practices.conftest import book_check_in, fields, make_practice, new_key
from tests.programmes.conftest import new_cohort, new_programme


def _kinds(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id))
    )


def test_a_draft_is_kept_edited_and_sent_to_the_coach(w):
    practice = services.create_practice(w.amina, fields(), new_key())
    assert practice.status == Status.DRAFT and practice.author_id == w.amina.id
    services.update_practice(practice, w.amina, fields(title="Reading corners, week by week"))
    assert practice.title == "Reading corners, week by week"
    assert services.submit_practice(practice, w.amina) is True
    assert practice.status == Status.SUBMITTED and practice.reviewer_id == w.coach.id
    assert services.submit_practice(practice, w.amina) is False  # sent once
    assert _kinds(w.coach) == ["practices.submitted"]
    with pytest.raises(services.PracticeError):
        services.update_practice(practice, w.amina, fields(title="Changed under review"))


def test_the_same_new_form_twice_adds_one_draft(w):
    key = new_key()
    first = services.create_practice(w.amina, fields(), key)
    again = services.create_practice(w.amina, fields(title="Other"), key)
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 1


def test_a_leader_without_a_coach_is_reviewed_by_an_admin(w):
    practice = make_practice(w, Status.SUBMITTED, author=w.chen)
    assert practice.reviewer_id is None
    assert services.review_queue(w.admin, every=True) == [practice]
    assert services.review_queue(w.coach, every=False) == []
    services.review_practice(practice, w.admin, "approve", "", new_key())
    assert practice.status == Status.APPROVED


def test_changes_asked_go_back_to_the_author_then_approval(w):
    practice = make_practice(w, Status.CHANGES)
    assert practice.status == Status.CHANGES and "practices.changes" in _kinds(w.amina)
    services.update_practice(practice, w.amina, fields(steps="Week 1: a shelf. Week 2: books."))
    services.submit_practice(practice, w.amina)
    services.review_practice(practice, w.coach, "approve", "", new_key())
    assert practice.status == Status.APPROVED and practice.approved_at is not None
    assert "practices.approved" in _kinds(w.amina)


def test_asking_for_changes_says_which(w):
    practice = make_practice(w, Status.SUBMITTED)
    with pytest.raises(services.PracticeError):
        services.review_practice(practice, w.coach, "changes", "  ", new_key())


@pytest.mark.parametrize("who", ["other_coach", "baraka", "amina"])
def test_only_the_reviewer_reviews(w, who):
    practice = make_practice(w, Status.SUBMITTED)
    with pytest.raises(services.PracticeError):
        services.review_practice(practice, getattr(w, who), "approve", "", new_key())
    db.session.refresh(practice)
    assert practice.status == Status.SUBMITTED


def test_trying_makes_a_coaching_action_and_the_outcome_is_counted(w):
    practice = make_practice(w)
    check_in = book_check_in(w, w.baraka)
    tried = services.try_practice(practice, w.baraka)
    action = db.session.get(ActionItem, tried.action_id)
    assert action.check_in_id == check_in.id and action.title == practice.title
    assert services.try_practice(practice, w.baraka).id == tried.id  # one try, one action
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 1
    services.report_outcome(practice, w.baraka, "worked", "Pupils borrow daily.")
    assert (practice.tried_count, practice.worked_count) == (1, 1)
    services.report_outcome(practice, w.baraka, "partly", "")
    assert (practice.tried_count, practice.worked_count, practice.partly_count) == (1, 0, 1)
    assert set(_kinds(w.amina)) >= {"practices.worked", "practices.partly"}


def test_a_try_without_a_check_in_waits_without_an_action(w):
    practice = make_practice(w)
    assert services.try_practice(practice, w.chen).action_id is None


def test_nobody_tries_their_own_or_an_unapproved_practice(w):
    with pytest.raises(services.PracticeError):
        services.try_practice(make_practice(w), w.amina)
    with pytest.raises(services.PracticeError):
        services.try_practice(make_practice(w, Status.SUBMITTED, title="Other"), w.baraka)


# --- pages ------------------------------------------------------------------------------

STATES = [Status.DRAFT, Status.SUBMITTED, Status.CHANGES, Status.APPROVED]
#: who reads a practice at each state (everyone else gets 404)
READERS = {
    Status.DRAFT: {"amina"},
    Status.SUBMITTED: {"amina", "baraka", "coach", "admin"},
    Status.CHANGES: {"amina", "baraka", "coach", "admin"},
    Status.APPROVED: {"amina", "baraka", "chen", "coach", "other_coach", "admin"},
}


@pytest.mark.parametrize("state", STATES)
def test_who_reads_a_practice_at_each_state(w, client, login, state):
    practice = make_practice(w, state)
    for who in ("amina", "baraka", "chen", "coach", "other_coach", "admin"):
        login(getattr(w, who))
        status = client.get(f"/practices/{practice.id}").status_code
        assert status == (200 if who in READERS[state] else 404), (who, status)
        listed = f"practice-{practice.id}" in client.get("/practices/").get_data(as_text=True)
        assert listed == (state == Status.APPROVED), who
        client.post("/sign-out")


def test_guessed_ids_are_not_found(w, client, login):
    login(w.baraka)
    for path in ("/practices/999999", "/practices/999999/edit"):
        assert client.get(path).status_code == 404
    for path in ("submission", "reviews", "try", "outcome"):
        assert client.post(f"/practices/999999/{path}").status_code == 404


@pytest.mark.parametrize("state", STATES)
def test_the_wrong_person_may_not_write(w, client, login, state):
    practice = make_practice(w, state)
    before = (practice.status, practice.title)
    login(w.baraka)  # reads it at every state but the draft, writes none of it
    expected = 404 if state == Status.DRAFT else 403
    assert client.get(f"/practices/{practice.id}/edit").status_code == expected
    assert client.post(f"/practices/{practice.id}/submission").status_code == expected
    review = {"decision": "approve", "comment": "", "key": new_key()}
    assert client.post(f"/practices/{practice.id}/reviews", data=review).status_code == expected
    client.post("/sign-out")
    login(w.other_coach)
    status = client.post(f"/practices/{practice.id}/reviews", data=review).status_code
    assert status == (403 if state == Status.APPROVED else 404)
    db.session.refresh(practice)
    assert (practice.status, practice.title) == before


def test_a_review_of_a_practice_no_longer_waiting_is_refused(w, client, login):
    practice = make_practice(w)  # approved already
    login(w.coach)
    review = {"decision": "changes", "comment": "Late.", "key": new_key()}
    response = client.post(f"/practices/{practice.id}/reviews", data=review)
    assert response.status_code == 422
    assert "not waiting for your review" in response.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.status == Status.APPROVED


def test_the_whole_journey_through_the_pages(w, client, login):
    competency = w.framework.domains[0].competencies[0]
    login(w.amina)
    page = client.get("/practices/new")
    assert page.status_code == 200 and b'name="key"' in page.data
    form = {
        "key": new_key(),
        "title": "Morning huddles",
        "problem": "Staff hear news late.",
        "steps": "Ten minutes at 7:30 every day.",
        "takes": "",
        "evidence": "",
        "language": "en",
        "competency_ids": [str(competency.id)],
    }
    response = client.post("/practices/new", data=form)
    assert response.status_code == 303
    practice = db.session.scalars(select(Practice)).one()
    assert [c.id for c in practice.competencies] == [competency.id]
    assert client.post(f"/practices/{practice.id}/submission").status_code == 303
    client.post("/sign-out")
    login(w.coach)
    assert f"practice-{practice.id}" in client.get("/practices/reviews").get_data(as_text=True)
    review = {"decision": "approve", "comment": "Clear.", "key": new_key()}
    assert client.post(f"/practices/{practice.id}/reviews", data=review).status_code == 303
    client.post("/sign-out")
    login(w.chen)
    found = client.get(f"/practices/?competency={competency.id}").get_data(as_text=True)
    assert f"practice-{practice.id}" in found
    assert client.post(f"/practices/{practice.id}/try").status_code == 303
    outcome = {"outcome": "worked", "note": "Staff came."}
    assert client.post(f"/practices/{practice.id}/outcome", data=outcome).status_code == 303
    db.session.refresh(practice)
    assert practice.worked_count == 1
    client.post("/sign-out")
    login(w.amina)
    assert "1 worked" in client.get(f"/practices/{practice.id}").get_data(as_text=True)


def test_a_form_without_its_key_adds_nothing(w, client, login):
    login(w.amina)
    response = client.post("/practices/new", data={"title": "No key", "language": "en"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 0


def test_the_library_fragment(w, client, login):
    practice = make_practice(w)
    login(w.chen)
    response = client.get("/practices/?q=corners", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert f"practice-{practice.id}" in body and "<html" not in body


def test_the_coach_sees_a_leader_s_practices_shared_and_tried(w, client, login):
    shared = make_practice(w, title="Huddles")
    make_practice(w, Status.DRAFT, title="Secret draft")
    other = make_practice(w, author=w.baraka, title="Baraka's corners")
    services.try_practice(other, w.amina)
    services.report_outcome(other, w.amina, "not", "Too little time.")
    login(w.coach)
    page = client.get(f"/coaching/leaders/{w.amina.id}").get_data(as_text=True)
    section = page[page.index('id="leader-practices"') :]
    assert f"/practices/{shared.id}" in section and "Secret draft" not in section
    assert "Baraka&#39;s corners" in section and "Too little time." in section
    client.post("/sign-out")
    login(w.other_coach)
    assert client.get(f"/coaching/leaders/{w.amina.id}").status_code == 404


def test_an_approved_practice_stays_in_its_programme(w, client, login, programme, cohort, enrol):
    other = new_programme(w.admin, "Heads Rwanda", region="RW")
    elsewhere = new_cohort(other, w.admin, "Kigali", starts_on=cohort.starts_on)
    enrol(w.amina, region="Nairobi")
    enrol(w.chen, region="Kigali", to=elsewhere)
    practice = make_practice(w)
    assert (practice.programme_id, practice.region) == (programme.id, "Nairobi")
    login(w.chen)  # a leader of another programme
    assert client.get(f"/practices/{practice.id}").status_code == 404
    assert f"practice-{practice.id}" not in client.get("/practices/").get_data(as_text=True)
    client.post("/sign-out")
    enrol(w.baraka, region="Coast")
    login(w.baraka)  # of the same programme
    assert client.get(f"/practices/{practice.id}").status_code == 200
