"""Beyond recall: a lesson's "have you tried it?" question, asked in the review the day
after every question of the lesson was answered right in a review; "Not yet" asked again a
week later, at most four times in all, "Yes" and "Not for my school" final; each answer
taken once; the latest on the leader's growth page and to their coach; in the course files
in every language; in the leader's data export and erased with them."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import registry
from app.coaching import services as coaching
from app.extensions import db
from app.learning import services as learning
from app.learning.course_files import load_course, write_course
from app.learning.models import Lesson
from app.programmes.services.privacy import personal_data
from app.review import services
from app.review.models import TriedAnswer
from tests.learning.conftest import DEMO_COURSE
from tests.review.conftest import T0

PROMPT = "Did you hold a short classroom visit this week?"
MOMENT = {"now": T0 + timedelta(days=3)}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    MOMENT["now"] = T0 + timedelta(days=3)
    monkeypatch.setattr("app.review.services._common.utcnow", lambda: MOMENT["now"])


def _review(leader, right: bool):
    now = MOMENT["now"]
    for n, q in enumerate(services.due_questions(leader, now, "en", limit=5)):
        choice = q.question.answer if right else (1 if q.question.answer != 1 else 2)
        key = f"{leader.id:08d}-{now:%d}-key-{n:08d}"
        services.record_answer(leader, q.question.id, choice, key, now=now)


def _with_prompt(lessons, sw: str | None = None):
    for lesson in lessons:
        lesson.tried_prompt = PROMPT
        if sw:
            lesson.translations = {"sw": {"title": "Somo", "tried_prompt": sw}}
    db.session.commit()


def test_asked_the_day_after_every_question_was_recalled_right(make_user, learned):
    leader = make_user("leader")
    (lesson,) = learned(leader, lessons=1)
    _with_prompt([lesson], sw="Je, ulifanya ziara fupi ya darasani wiki hii?")
    assert services.tried_question(leader, MOMENT["now"], "en") is None  # no review yet
    _review(leader, right=True)
    assert services.tried_question(leader, MOMENT["now"], "en") is None  # the same day
    tomorrow = MOMENT["now"] + timedelta(days=1)
    asked = services.tried_question(leader, tomorrow, "en")
    assert asked.lesson.id == lesson.id and asked.prompt == PROMPT
    assert services.tried_question(leader, tomorrow, "sw").prompt.startswith("Je, ulifanya")


def test_not_asked_while_a_question_was_never_recalled_right(make_user, learned):
    leader = make_user("leader")
    (lesson,) = learned(leader, lessons=1)
    _with_prompt([lesson])
    _review(leader, right=False)
    assert services.tried_question(leader, MOMENT["now"] + timedelta(days=2), "en") is None


def test_not_asked_where_the_author_wrote_none(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    _review(leader, right=True)
    assert services.tried_question(leader, MOMENT["now"] + timedelta(days=1), "en") is None


def test_the_no_js_flow_answers_once_and_shows_growth_and_coach(client, make_user, login, learned):
    coach, leader, other = make_user("coach"), make_user("leader"), make_user("leader")
    coaching.pair(coach, leader)
    (lesson,) = learned(leader, lessons=1)
    _with_prompt([lesson])
    _review(leader, right=True)
    MOMENT["now"] += timedelta(days=1)
    login(leader)
    page = client.get("/learn/review/").get_data(as_text=True)
    if 'id="review-tried"' not in page:  # the day's questions first, then the question
        _review(leader, right=True)
        MOMENT["now"] += timedelta(days=1)
        page = client.get("/learn/review/").get_data(as_text=True)
    assert 'id="review-tried"' in page and PROMPT in page and "Not for my school" in page
    url = f"/learn/review/tried/{lesson.id}"
    for _ in range(2):  # a double tap keeps one answer
        assert client.post(url, data={"answer": "yes"}).status_code == 303
    assert client.post(url, data={"answer": "maybe"}).status_code == 400
    count = select(func.count()).select_from(TriedAnswer)
    assert db.session.scalar(count) == 1
    assert 'id="review-tried"' not in client.get("/learn/review/").get_data(as_text=True)
    growth = client.get("/learn/growth").get_data(as_text=True)
    assert 'id="review-tried-answers"' in growth and PROMPT in growth and "Yes" in growth
    client.post("/sign-out")
    login(other)  # a lesson they never learned
    assert client.post(url, data={"answer": "yes"}).status_code == 404
    assert "review-tried-answers" not in client.get("/learn/growth").get_data(as_text=True)
    client.post("/sign-out")
    login(coach)
    shown = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert 'id="review-tried-answers"' in shown and PROMPT in shown


def test_not_yet_is_asked_again_a_week_later_at_most_four_times(make_user, learned):
    """Completed at T0: asked on day 4, and a "Not yet" each time brings it back a week
    later while the lesson is at most four weeks old (days 11, 18, 25), then never again;
    the row keeps the latest answer."""
    leader = make_user("leader")
    (lesson,) = learned(leader, lessons=1)
    _with_prompt([lesson])
    _review(leader, right=True)  # day 3
    asked, again = [], []
    for day in range(4, 70):
        now = T0 + timedelta(days=day)
        if services.tried_question(leader, now, "en") is not None:
            asked.append(day)
            again.append(services.record_tried(leader, lesson.id, "not_yet", now))
    assert asked == [4, 11, 18, 25]
    assert again == [True, True, True, False]  # what the leader is told after each
    (row,) = services.tried_answers(leader.id)
    assert (row.answer, row.answered_at) == ("not_yet", T0 + timedelta(days=25))


def test_yes_after_not_yet_is_final_and_shown(make_user, learned):
    leader = make_user("leader")
    (lesson,) = learned(leader, lessons=1)
    _with_prompt([lesson])
    _review(leader, right=True)
    day4, day11 = T0 + timedelta(days=4), T0 + timedelta(days=11)
    assert services.record_tried(leader, lesson.id, "not_yet", day4)
    assert services.tried_question(leader, day11 - timedelta(minutes=1), "en") is None
    assert services.tried_question(leader, day11, "en") is not None
    assert not services.record_tried(leader, lesson.id, "yes", day11)
    for later in (12, 18, 25):
        assert services.tried_question(leader, T0 + timedelta(days=later), "en") is None
    # An answer given again later (a stale replay) changes nothing.
    services.record_tried(leader, lesson.id, "not_yet", T0 + timedelta(days=20))
    (row,) = services.tried_answers(leader.id)
    assert (row.answer, row.answered_at) == ("yes", day11)


def test_not_yet_tapped_twice_counts_once_and_the_latest_answer_shows(
    client, make_user, login, learned
):
    """A double tap, and the same answer replayed from the phone's queue a minute later,
    keep the first "Not yet" (so it comes back a week after it, not after the replay); the
    answer given then is what the growth page and the coach show."""
    coach, leader = make_user("coach"), make_user("leader")
    coaching.pair(coach, leader)
    (lesson,) = learned(leader, lessons=1)
    _with_prompt([lesson])
    _review(leader, right=True)  # day 3
    MOMENT["now"] = first = T0 + timedelta(days=4)
    login(leader)
    assert 'id="review-tried"' in client.get("/learn/review/").get_data(as_text=True)
    url = f"/learn/review/tried/{lesson.id}"
    for _ in range(2):
        response = client.post(url, data={"answer": "not_yet"}, follow_redirects=True)
        assert "We will ask you again in a week." in response.get_data(as_text=True)
    MOMENT["now"] += timedelta(minutes=1)
    assert client.post(url, data={"answer": "not_yet"}).status_code == 303  # the replay
    assert db.session.scalar(select(func.count()).select_from(TriedAnswer)) == 1
    assert db.session.scalar(select(TriedAnswer.answered_at)) == first
    growth = client.get("/learn/growth").get_data(as_text=True)
    assert PROMPT in growth and "Not yet" in growth

    MOMENT["now"] = first + timedelta(days=6, hours=23)
    assert 'id="review-tried"' not in client.get("/learn/review/").get_data(as_text=True)
    MOMENT["now"] = first + timedelta(days=7)
    assert 'id="review-tried"' in client.get("/learn/review/").get_data(as_text=True)
    response = client.post(url, data={"answer": "yes"}, follow_redirects=True)
    assert "Your coach can see your answer." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TriedAnswer)) == 1
    growth = client.get("/learn/growth").get_data(as_text=True)
    answers = growth[growth.index('id="review-tried-answers"') :]
    assert "Yes ·" in answers and "Not yet" not in answers
    client.post("/sign-out")
    login(coach)
    shown = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    answers = shown[shown.index('id="review-tried-answers"') :]
    assert "Yes ·" in answers and "Not yet" not in answers


def test_exported_and_erased_with_the_leader(make_user, learned):
    leader, other = make_user("leader"), make_user("leader")
    for person in (leader, other):
        (lesson,) = learned(person, lessons=1)
        _with_prompt([lesson])
        services.record_tried(person, lesson.id, "not_yet", MOMENT["now"])
    assert personal_data(leader)["review_tried"][0]["answer"] == "not_yet"
    registry.PERSONAL_DATA["review_tried"].erase(leader.id)
    db.session.commit()
    users = db.session.scalars(select(TriedAnswer.user_id)).all()
    assert users == [other.id]


def test_the_question_round_trips_through_course_files_in_every_language(
    tmp_path, tmp_path_factory, framework
):
    course = tmp_path / "course"
    shutil.copytree(DEMO_COURSE, course)
    first = "short-frequent-classroom-visits"
    for name, text in ((f"{first}.md", PROMPT), (f"{first}.fr.md", "Avez-vous essayé ?")):
        path = course / "lessons" / name
        path.write_text(
            path.read_text().replace("\nreflection:", f"\ntried: {text}\nreflection:", 1)
        )
    spec = load_course(course)
    learning.import_course(spec, queue_media=False)
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == first))
    assert lesson.tried_prompt == PROMPT
    assert lesson.translated("tried_prompt", "fr") == "Avez-vous essayé ?"
    exported = learning.course_to_spec(lesson.course)
    assert exported == spec
    out = tmp_path_factory.mktemp("export")
    write_course(exported, out)
    assert f"tried: {PROMPT}" in (out / "lessons" / f"{first}.md").read_text()
    # Importing it again changes nothing.
    assert learning.import_course(spec, queue_media=False).lessons_updated == 0
