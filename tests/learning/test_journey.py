"""The leader's journey through the services: continue, answer, reflect, complete, grow."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.learning import services
from app.learning.models import Lesson, LessonProgress


def _lessons(course):
    return db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()


def test_continue_where_you_left_off(demo_course, make_user):
    leader = make_user("leader")
    first, second, third = _lessons(demo_course)[:3]
    home = services.learn_home(leader)
    assert home.continue_with.item.lesson.id == first.id and home.continue_with.fresh

    services.save_position(leader, second, 42)
    home = services.learn_home(leader)
    assert home.continue_with.item.lesson.id == second.id and not home.continue_with.fresh
    assert home.continue_with.item.progress.position_seconds == 42

    services.complete_lesson(leader, second)
    assert services.learn_home(leader).continue_with.item.lesson.id == third.id

    # The last lesson touched wins, whatever its place in the course.
    services.start_lesson(leader, first)
    progress = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == first.id))
    progress.updated_at = utcnow() + timedelta(seconds=5)
    db.session.commit()
    assert services.learn_home(leader).continue_with.item.lesson.id == first.id


def test_home_lists_courses_with_progress_and_competencies(demo_course, make_user):
    leader = make_user("leader")
    lessons = _lessons(demo_course)
    services.complete_lesson(leader, lessons[0])
    (course,) = services.learn_home(leader).courses
    assert course.done_count == 1 and len(course.lessons) == 6 and course.percent == 17
    assert [m.module.slug for m in course.modules] == [
        "observing-teaching",
        "teacher-teams",
        "parents-and-community",
    ]
    assert [c.code for c in course.lessons[3].competencies] == ["LP.2", "LL.2"]


def test_position_is_clamped_to_the_lesson(demo_course, make_user):
    leader = make_user("leader")
    lesson = _lessons(demo_course)[0]
    assert (
        services.save_position(leader, lesson, 10_000).position_seconds == lesson.duration_seconds
    )
    assert services.save_position(leader, lesson, -5).position_seconds == 0


def test_first_answer_counts_for_accuracy(demo_course, make_user):
    leader = make_user("leader")
    lesson = _lessons(demo_course)[0]
    question = lesson.questions[0]  # answer 2
    wrong = services.answer_question(leader, question, 1)
    assert not wrong.correct and not wrong.first_correct
    right = services.answer_question(leader, question, 2)
    assert right.correct and not right.first_correct and right.attempts == 2
    page = services.lesson_page(leader, lesson)
    assert page.questions[0].answer.choice == 2


def test_reflection_is_saved_and_replaced(demo_course, make_user):
    leader, other = make_user("leader"), make_user("leader")
    lesson = _lessons(demo_course)[0]
    services.save_reflection(leader, lesson, "First thoughts")
    services.save_reflection(leader, lesson, "Second thoughts")
    assert services.lesson_page(leader, lesson).reflection.body == "Second thoughts"
    assert services.lesson_page(other, lesson).reflection is None  # private


def test_growth_per_competency(demo_course, make_user, framework):
    leader = make_user("leader")
    lessons = {lesson.slug: lesson for lesson in _lessons(demo_course)}
    services.complete_lesson(leader, lessons["short-frequent-classroom-visits"])
    services.answer_question(
        leader, lessons["short-frequent-classroom-visits"].questions[0], 2
    )  # right
    services.answer_question(
        leader, lessons["looking-at-pupils-work-together"].questions[0], 2
    )  # wrong

    form = services.self_assessment_form(leader)
    codes = {c.code: c.id for _d, cs in form.domains for c in cs}
    services.record_self_assessment(
        leader, framework, {codes["LL.2"]: 1, codes["LC.1"]: 2}, "sitting-one-key-1"
    )
    services.record_self_assessment(leader, framework, {codes["LL.2"]: 3}, "sitting-two-key-2")

    growth = services.growth(leader)
    rows = {row.competency.code: row for d in growth.domains for row in d.competencies}
    assert (rows["LL.2"].lessons_done, rows["LL.2"].lessons_available) == (1, 3)
    assert (rows["LP.2"].lessons_done, rows["LP.2"].lessons_available) == (0, 2)
    assert (
        rows["LL.2"].accuracy == 50 and rows["LP.2"].accuracy == 0 and rows["LC.1"].accuracy is None
    )
    assert (rows["LL.2"].first_level, rows["LL.2"].latest_level, rows["LL.2"].level_change) == (
        1,
        3,
        2,
    )
    assert (rows["LC.1"].first_level, rows["LC.1"].latest_level) == (2, 2)
    assert growth.assessments == 2 and growth.level_label(3) == "3 Established"
    assert services.self_assessment_form(leader).latest == {codes["LL.2"]: 3}


def test_markdown_escapes_raw_html():
    html = services.render_markdown("Hello <script>alert(1)</script> **world**\n\n<div>x</div>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<strong>world</strong>" in html
