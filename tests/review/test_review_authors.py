"""Authors decide which quick-check questions come back in the daily review: all do unless
the lesson file says ``review: false``; the setting survives export and import."""

from __future__ import annotations

import shutil
from datetime import timedelta

from app.extensions import db
from app.learning import services as learning
from app.learning.course_files import load_course, write_course
from app.learning.models import QuickCheckAnswer, QuickCheckQuestion
from app.review import services
from tests.learning.test_course_files import COURSE, FRAMEWORKS, LESSON
from tests.review.conftest import T0

OPTED_OUT = LESSON.replace(
    "      incorrect: No.\n",
    "      incorrect: No.\n    review: false\n"
    "  - question: And?\n    choices: [A, B]\n    answer: 1\n    feedback: Fine.\n",
)


def _course(tmp_path, lesson_text):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "first.mp4").write_bytes(b"\0")
    (tmp_path / "course.yaml").write_text(COURSE)
    (tmp_path / "lessons" / "first.md").write_text(lesson_text)
    return tmp_path


def test_review_false_reads_and_round_trips(tmp_path, tmp_path_factory):
    course = load_course(_course(tmp_path, OPTED_OUT), FRAMEWORKS)
    (lesson,) = course.lessons()
    assert [q.review for q in lesson.questions] == [False, True]
    out = tmp_path_factory.mktemp("export")
    write_course(course, out)
    assert "review: false" in (out / "lessons" / "first.md").read_text()
    shutil.copytree(tmp_path / "media", out / "media")
    assert load_course(out, FRAMEWORKS) == course


def test_a_question_left_out_is_never_drawn(tmp_path, make_user, framework):
    course = load_course(_course(tmp_path, OPTED_OUT), FRAMEWORKS)
    learning.import_course(course, queue_media=False)
    leader = make_user("leader")
    questions = db.session.scalars(
        db.select(QuickCheckQuestion).order_by(QuickCheckQuestion.position)
    ).all()
    assert [q.in_review for q in questions] == [False, True]
    for question in questions:
        learning.answer_question(leader, question, question.answer)
    learning.complete_lesson(leader, questions[0].lesson)
    db.session.execute(db.update(QuickCheckAnswer).values(answered_at=T0))
    db.session.commit()
    drawn = services.due_questions(leader, T0 + timedelta(days=5), "en", limit=5)
    assert [q.question.id for q in drawn] == [questions[1].id]
