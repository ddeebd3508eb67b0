"""A programme's leaders learn the courses it chose: Learn lists only those, and a lesson of
another course is as unknown to them as a draft (404), for every way in. A leader in two
programmes has the courses of both; someone in no programme, or in one that chose no
courses, has every published course, as before programmes chose any."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning.models import Lesson, LessonProgress, QuickCheckQuestion
from tests.conftest import sign_in
from tests.programmes.conftest import START, new_cohort, new_programme


@pytest.fixture
def courses(make_course):
    return make_course("chosen", lessons=2), make_course("other", lessons=2)


def _programme(admin, name: str, course_ids: list[int]):
    programme = new_programme(admin, name, region="KE", course_ids=course_ids)
    return new_cohort(programme, admin, f"{name} cohort", starts_on=START, ends_on=None)


def _lesson(course) -> Lesson:
    return db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == "lesson-1")
    )


def _learn(client) -> str:
    response = client.get("/learn/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_programmes_leaders_see_only_its_courses(client, login, make_user, admin, courses, enrol):
    chosen, other = courses
    cohort = _programme(admin, "Chosen only", [chosen.id])
    leader = make_user("leader")
    enrol(leader, to=cohort)
    login(leader)
    page = _learn(client)
    assert "Course chosen" in page and "Course other" not in page
    assert client.get("/learn/chosen/lesson-1").status_code == 200
    assert client.get("/learn/other/lesson-1").status_code == 404
    # Nor the HTMX fragment of it.
    assert client.get("/learn/other/lesson-1", headers={"HX-Request": "true"}).status_code == 404


def test_a_lesson_outside_the_programme_takes_no_writes(
    client, login, make_user, admin, courses, enrol
):
    chosen, other = courses
    enrol_in = _programme(admin, "Chosen only", [chosen.id])
    leader = make_user("leader")
    enrol(leader, to=enrol_in)
    login(leader)
    lesson = _lesson(other)
    question = db.session.scalar(
        select(QuickCheckQuestion).where(QuickCheckQuestion.lesson_id == lesson.id)
    )
    base = f"/learn/lessons/{lesson.id}"
    assert client.post(f"{base}/position", data={"seconds": 5}).status_code == 404
    assert client.post(f"{base}/reflection", data={"body": "x"}).status_code == 404
    assert client.post(f"{base}/complete").status_code == 404
    assert client.post(f"{base}/questions/{question.id}", data={"choice": 1}).status_code == 404
    assert client.get(f"/groups/lessons/{lesson.id}/discussion").status_code == 404
    assert (
        db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == leader.id)) is None
    )
    # The same writes to a lesson of the programme's course are taken.
    mine = _lesson(chosen)
    assert client.post(f"/learn/lessons/{mine.id}/position", data={"seconds": 5}).status_code == 204


def test_a_leader_in_two_programmes_sees_both(client, login, make_user, admin, courses, enrol):
    chosen, other = courses
    leader = make_user("leader")
    enrol(leader, to=_programme(admin, "Chosen only", [chosen.id]))
    enrol(leader, to=_programme(admin, "Other only", [other.id]))
    login(leader)
    page = _learn(client)
    assert "Course chosen" in page and "Course other" in page
    assert client.get("/learn/other/lesson-1").status_code == 200


@pytest.mark.parametrize("second", ["none", "no courses chosen"])
def test_without_a_programme_that_chose_courses_every_course_is_open(
    client, login, make_user, admin, courses, enrol, second
):
    chosen, other = courses
    leader = make_user("leader")
    if second == "no courses chosen":
        enrol(leader, to=_programme(admin, "Everything", []))
        # With another that chose one course: the one that chose none still opens all.
        enrol(leader, to=_programme(admin, "Chosen only", [chosen.id]))
    login(leader)
    page = _learn(client)
    assert "Course chosen" in page and "Course other" in page
    assert client.get("/learn/other/lesson-1").status_code == 200
    lesson = _lesson(other)
    assert (
        client.post(f"/learn/lessons/{lesson.id}/position", data={"seconds": 5}).status_code == 204
    )


def test_narrowing_costs_the_same_statements(app, make_user, admin, courses, enrol, count_queries):
    """Which courses are open is folded into statements the pages make anyway."""
    chosen, _ = courses
    free, narrowed = make_user("leader"), make_user("leader")
    enrol(narrowed, to=_programme(admin, "Chosen only", [chosen.id]))
    counts = {}
    for who in (free, narrowed):
        client = app.test_client()
        sign_in(client, who)
        for url in ("/learn/", "/learn/chosen/lesson-1"):
            client.get(url)
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts[who.id, url] = counter.count
    assert counts[free.id, "/learn/"] == counts[narrowed.id, "/learn/"], counts
    lesson = "/learn/chosen/lesson-1"
    assert counts[free.id, lesson] == counts[narrowed.id, lesson], counts
