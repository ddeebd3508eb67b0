"""`flask learning import/export`: idempotent by slug, never loses progress, and a bad
package changes nothing."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.learning import services
from app.learning.course_files import load_course
from app.learning.models import Course, Lesson, LessonProgress, QuickCheckQuestion, Reflection
from tests.learning.conftest import DEMO_COURSE


@pytest.fixture
def course_copy(tmp_path):
    target = tmp_path / "course"
    shutil.copytree(DEMO_COURSE, target)
    return target


def _import(runner, path):
    return runner.invoke(args=["learning", "import", "--no-media", str(path)])


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Course, Lesson, QuickCheckQuestion)
    )


def test_import_twice_is_idempotent(runner, framework):
    first = _import(runner, DEMO_COURSE)
    assert first.exit_code == 0, first.output
    assert "Created course leading-learning-essentials: 6 lessons added" in first.output
    counts = _counts()
    second = _import(runner, DEMO_COURSE)
    assert (
        "Updated course leading-learning-essentials: 0 lessons added, 0 updated, 0 unpublished"
        in second.output
    )
    assert _counts() == counts == (1, 6, 14)
    course = db.session.scalar(select(Course))
    assert course.lesson_count == 6 and course.duration_seconds == 351
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "feedback-teachers-act-on"))
    assert "<strong>soon, specific and small</strong>" in lesson.body_html
    assert [link.competency.code for link in lesson.competency_links] == ["LL.2"]


def test_reimport_renders_lesson_text_again_with_todays_rules(runner, framework):
    """HTML stored by an older renderer (one that let a script link through) is replaced
    on the next import, even when the lesson's text has not changed."""
    assert _import(runner, DEMO_COURSE).exit_code == 0
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "feedback-teachers-act-on"))
    fresh = lesson.body_html
    lesson.body_html = '<p><a href="javascript:alert(1)">old</a></p>'
    db.session.commit()
    second = _import(runner, DEMO_COURSE)
    assert "0 lessons added, 0 updated, 0 unpublished" in second.output
    db.session.refresh(lesson)
    assert lesson.body_html == fresh


def test_edits_update_removals_unpublish_and_progress_survives(
    runner, framework, course_copy, make_user
):
    assert _import(runner, course_copy).exit_code == 0
    leader = make_user("leader")
    removed = db.session.scalar(select(Lesson).where(Lesson.slug == "a-parents-meeting-that-works"))
    services.complete_lesson(leader, removed)
    services.save_reflection(leader, removed, "My notes")
    question = removed.questions[0]
    services.answer_question(leader, question, 2)

    course_yaml = course_copy / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text().replace("      - a-parents-meeting-that-works\n", "")
    )
    edited = course_copy / "lessons" / "short-frequent-classroom-visits.md"
    edited.write_text(
        edited.read_text().replace(
            "title: Short, frequent classroom visits", "title: Ten minutes in every classroom"
        )
    )
    result = _import(runner, course_copy)
    assert result.exit_code == 0, result.output
    assert "0 lessons added, 1 updated, 1 unpublished" in result.output
    db.session.expire_all()
    assert removed.published is False
    assert (
        db.session.scalar(
            select(Lesson.title).where(Lesson.slug == "short-frequent-classroom-visits")
        )
        == "Ten minutes in every classroom"
    )
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    assert db.session.scalar(select(Reflection.body)) == "My notes"
    assert db.session.scalar(select(Course.lesson_count)) == 5

    # Put it back: the same row comes back, with the leader's progress still attached.
    shutil.copy(DEMO_COURSE / "course.yaml", course_yaml)
    assert "1 updated" in _import(runner, course_copy).output
    db.session.expire_all()
    assert removed.published is True
    assert services.lesson_page(leader, removed).done


def test_bad_package_changes_nothing_and_names_file_and_line(runner, framework, course_copy):
    assert _import(runner, course_copy).exit_code == 0
    before = _counts()
    (course_copy / "course.yaml").write_text(
        (course_copy / "course.yaml").read_text().replace('title: "Leading', 'title: "Changed')
    )
    lesson = course_copy / "lessons" / "feedback-teachers-act-on.md"
    lesson.write_text(lesson.read_text().replace("competencies: [LL.2]", "competencies: [LL.9]"))
    (course_copy / "media" / "a-parents-meeting-that-works.mp4").unlink()
    result = _import(runner, course_copy)
    assert result.exit_code == 1
    assert "feedback-teachers-act-on.md:4: unknown competency code 'LL.9'" in result.output
    assert "a-parents-meeting-that-works.md:6: media file not found" in result.output
    assert _counts() == before
    assert db.session.scalar(select(Course.title)) == "Leading learning: essentials"


def test_malformed_yaml_is_reported_with_its_line(runner, framework, course_copy):
    (course_copy / "course.yaml").write_text("slug: x\ntitle: [oops\n")
    result = _import(runner, course_copy)
    assert result.exit_code == 1
    assert (
        "course.yaml:3: malformed YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence that starts on line 2)"
    ) in result.output
    assert _counts() == (0, 0, 0)


def test_unknown_framework_is_an_error(runner, app, course_copy):
    result = _import(runner, course_copy)
    assert result.exit_code == 1 and "course.yaml:8: unknown framework 'SLC'" in result.output


def test_a_failure_midway_rolls_everything_back(framework, monkeypatch):
    spec = load_course(DEMO_COURSE)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("app.learning.services.courses._queue_media", explode)
    with pytest.raises(RuntimeError):
        services.import_course(spec)
    assert _counts() == (0, 0, 0)


def test_export_writes_files_that_import_back(runner, demo_course, tmp_path):
    out = tmp_path / "exported"
    result = runner.invoke(
        args=[
            "learning",
            "export",
            "leading-learning-essentials",
            "--out",
            str(out),
            "--media-from",
            str(DEMO_COURSE),
        ]
    )
    assert result.exit_code == 0, result.output
    assert load_course(out) == load_course(DEMO_COURSE)
    assert (out / "media" / "feedback-teachers-act-on.mp4").stat().st_size > 100_000
    assert runner.invoke(args=["learning", "export", "nope", "--out", str(out)]).exit_code == 1


def test_queues_changed_media_through_the_media_area(framework, monkeypatch, tmp_path):
    """The import hands each new or changed media file to the media area once."""
    from app.media.models import MediaAsset

    queued = []

    def queue_transcode(path, **kwargs):
        queued.append(path.name)
        asset = MediaAsset(
            source_key=f"src/{len(queued)}",
            key_prefix=f"k{len(queued)}",
            original_filename=path.name,
        )
        db.session.add(asset)
        db.session.flush()
        return asset

    monkeypatch.setattr("app.media.services.queue_transcode", queue_transcode)
    spec = load_course(DEMO_COURSE)
    report = services.import_course(spec)
    # Six lessons, each with its own French and Swahili narration too.
    assert len(report.media_queued) == 18 and len(queued) == 18
    assert "feedback-teachers-act-on.sw" in report.media_queued
    services.import_course(load_course(DEMO_COURSE))
    assert len(queued) == 18  # unchanged files are not queued again


NEW_FIRST_QUESTION = """quick_check:
  - question: How long is a short classroom visit?
    choices: [About ten minutes, A whole lesson]
    answer: 1
    feedback: Ten minutes is enough to see learning.
"""


def test_a_question_added_in_front_leaves_past_answers_on_their_own_question(
    runner, framework, course_copy, make_user
):
    """Questions were matched by position: inserting one moved every leader's answer onto a
    different question, shown with the old "Correct." under a new prompt."""
    assert _import(runner, course_copy).exit_code == 0
    leader = make_user("leader")
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.slug == "short-frequent-classroom-visits")
    )
    purpose = lesson.questions[0]
    assert purpose.prompt == "What is the main purpose of a short classroom visit?"
    services.answer_question(leader, purpose, 2)

    edited = course_copy / "lessons" / "short-frequent-classroom-visits.md"
    edited.write_text(edited.read_text().replace("quick_check:\n", NEW_FIRST_QUESTION, 1))
    for translation in course_copy.glob("lessons/short-frequent-classroom-visits.*.md"):
        translation.unlink()  # no longer match: the lesson is in English alone until retranslated
    result = _import(runner, course_copy)
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    db.session.expire_all()

    page = services.lesson_page(leader, lesson)
    prompts = [
        (item.question.prompt, item.answer.choice if item.answer else None)
        for item in page.questions
    ]
    assert prompts[:2] == [
        ("How long is a short classroom visit?", None),
        ("What is the main purpose of a short classroom visit?", 2),
    ]
    assert services.lesson_page(leader, lesson).questions[1].question.id == purpose.id

    # Back as it was: idempotent again, and the answer is still where it belongs.
    shutil.copy(DEMO_COURSE / "lessons" / edited.name, edited)
    assert "1 updated" in _import(runner, course_copy).output
    assert "0 updated" in _import(runner, course_copy).output
    db.session.expire_all()
    first = services.lesson_page(leader, lesson).questions[0]
    assert (first.question.id, first.answer.choice) == (purpose.id, 2)


def test_a_question_whose_choices_change_starts_afresh(runner, framework, course_copy, make_user):
    """A stored answer is a choice number: once the choices or the answer change it means
    something else, so the question is a new one and the old answer stays with the old."""
    assert _import(runner, course_copy).exit_code == 0
    leader = make_user("leader")
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.slug == "short-frequent-classroom-visits")
    )
    purpose = lesson.questions[0]
    services.answer_question(leader, purpose, 2)

    edited = course_copy / "lessons" / "short-frequent-classroom-visits.md"
    edited.write_text(
        edited.read_text()
        .replace("    answer: 2\n", "    answer: 3\n", 1)
        .replace("main purpose of a short", "main purpose of a brief")
    )
    assert _import(runner, course_copy).exit_code == 0
    db.session.expire_all()
    first = services.lesson_page(leader, lesson).questions[0]
    assert first.question.answer == 3 and first.question.id != purpose.id and first.answer is None
    assert purpose.active is False


def test_text_longer_than_the_database_keeps_is_a_file_error(runner, framework, course_copy):
    lesson = course_copy / "lessons" / "feedback-teachers-act-on.md"
    lesson.write_text(
        lesson.read_text().replace("title: Feedback teachers act on", "title: " + "F" * 201)
    )
    result = _import(runner, course_copy)
    assert result.exit_code == 1, result.output
    assert (
        "feedback-teachers-act-on.md:3: `title` in the lesson's front matter is longer than 200 characters"
        in result.output
    )
    assert _counts() == (0, 0, 0)
