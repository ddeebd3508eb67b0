"""What others see of a leader's review: their coach, retention per competency (no one
else); programme reports (participation and recall per competency, small groups hidden);
the leader's data export and erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import registry
from app.coaching import services as coaching
from app.extensions import db
from app.programmes.services.privacy import personal_data
from app.review import services
from app.review.models import ReviewAnswer, ReviewCard, ReviewSettings
from tests.review.conftest import T0

NOW = T0 + timedelta(days=3)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("app.review.services._common.utcnow", lambda: NOW)


def _review(leader, right: bool):
    for n, q in enumerate(services.due_questions(leader, NOW, "en", limit=5)):
        choice = q.question.answer if right else (1 if q.question.answer != 1 else 2)
        services.record_answer(
            leader, q.question.id, choice, f"{leader.id:08d}-key-{n:08d}", now=NOW
        )


def test_the_coach_sees_retention_per_competency(client, make_user, login, learned):
    coach, leader = make_user("coach"), make_user("leader")
    coaching.pair(coach, leader)
    learned(leader, lessons=1)
    _review(leader, right=False)
    retention = services.leader_retention(leader.id, NOW)
    assert [(r.competency.code, r.answers, r.share) for r in retention] == [("LL.2", 2, 0)]
    login(coach)
    page = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert 'id="review-retention"' in page and "LL.2" in page and "0%" in page


def test_another_coach_sees_nothing(client, make_user, login, learned):
    coach, other, leader = make_user("coach"), make_user("coach"), make_user("leader")
    coaching.pair(coach, leader)
    learned(leader, lessons=1)
    _review(leader, right=True)
    login(other)
    assert client.get(f"/coaching/leaders/{leader.id}").status_code == 404


def test_a_falling_share_is_flagged():
    item = services.CompetencyRetention(
        None, answers=20, right=16, recent_answers=10, recent_right=4
    )
    assert item.falling and item.recent_share == 40
    steady = services.CompetencyRetention(
        None, answers=20, right=16, recent_answers=10, recent_right=8
    )
    assert not steady.falling


def test_reports_count_reviews_and_recall_per_competency(make_user, learned):
    leaders = [make_user("leader") for _ in range(3)]
    for leader in leaders:
        learned(leader, lessons=1)
        _review(leader, right=True)
    members = [leader.id for leader in leaders]
    answers = dict(db.session.execute(registry.PERSON_METRICS["review_answers"].select()).all())
    right = dict(db.session.execute(registry.PERSON_METRICS["review_right"].select()).all())
    assert {answers[m] for m in members} == {2} and {right[m] for m in members} == {2}
    recall = db.session.execute(registry.RATINGS["review_recall"].select()).all()
    assert {row.level for row in recall} == {100} and len(recall) == 6


def test_the_leader_s_data_is_exported_and_erased(make_user, learned):
    leader, other = make_user("leader"), make_user("leader")
    for person in (leader, other):
        learned(person, lessons=1)
        _review(person, right=True)
    services.save_choices(leader, 7, 6)
    data = personal_data(leader)
    assert len(data["review_answers"]) == 2 and len(data["review_cards"]) == 2
    assert data["review_settings"][0]["per_day"] == 7
    for key in ("review_answers", "review_cards", "review_settings"):
        registry.PERSONAL_DATA[key].erase(leader.id)
    db.session.commit()
    for model in (ReviewAnswer, ReviewCard, ReviewSettings):
        left = db.session.scalar(
            select(func.count()).select_from(model).where(model.user_id == leader.id)
        )
        assert left == 0
    others = db.session.scalar(
        select(func.count()).select_from(ReviewAnswer).where(ReviewAnswer.user_id == other.id)
    )
    assert others == 2


def test_the_dashboard_flags_a_leader_whose_retention_falls(client, make_user, login, learned):
    coach, falling, steady, elsewhere = (make_user("coach"),) + tuple(
        make_user("leader") for _ in range(3)
    )
    for leader in (falling, steady):
        coaching.pair(coach, leader)
    for leader, recent_right in ((falling, False), (steady, True), (elsewhere, False)):
        (lesson,) = learned(leader, lessons=1)
        for n, question in enumerate(lesson.questions * 4):  # 8 answers a month ago, all right
            db.session.add(_answer(leader, question, True, NOW - timedelta(days=30 + n)))
        for n, question in enumerate(lesson.questions * 2):  # 4 in the last two weeks
            db.session.add(_answer(leader, question, recent_right, NOW - timedelta(days=1 + n)))
    db.session.commit()
    assert [u.id for u in services.falling_leaders(coach.id, NOW)] == [falling.id]
    login(coach)
    page = client.get("/coaching/").get_data(as_text=True)
    assert 'id="review-falling"' in page
    flagged = page[page.index('id="review-falling"') :]
    assert f"/coaching/leaders/{falling.id}#" in flagged
    assert f"/coaching/leaders/{steady.id}#" not in flagged
    assert f"/coaching/leaders/{elsewhere.id}" not in page


def test_no_flag_no_card(client, make_user, login, learned):
    coach, leader = make_user("coach"), make_user("leader")
    coaching.pair(coach, leader)
    learned(leader, lessons=1)
    _review(leader, right=True)
    login(coach)
    assert 'id="review-falling"' not in client.get("/coaching/").get_data(as_text=True)


def _answer(leader, question, correct: bool, at):
    return ReviewAnswer(
        user_id=leader.id,
        question_id=question.id,
        lesson_id=question.lesson_id,
        choice=question.answer if correct else (1 if question.answer != 1 else 2),
        correct=correct,
        answered_at=at,
        received_at=at,
    )
