"""Course packages as files: the demo course, round trips, and errors naming file and line."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from app.frameworks.files import FileFormatError, load_framework
from app.learning.course_files import (
    dump_lesson,
    load_course,
    parse_lesson,
    write_course,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "courses" / "leading-learning-essentials"
SLC = load_framework(ROOT / "courses" / "frameworks" / "school-leadership-core.yaml")
FRAMEWORKS = {SLC.code: set(SLC.competency_codes())}

LESSON = """\
---
slug: first
title: First lesson
competencies: [LL.2, LP.2]
duration: "1:15"
media: media/first.mp4
reflection: What did you notice?
quick_check:
  - question: Which?
    choices: [A, B, C]
    answer: 2
    feedback:
      correct: Yes.
      incorrect: No.
---

Some **text**.
"""

COURSE = """\
slug: tiny
title: Tiny course
framework: SLC
modules:
  - slug: one
    title: One
    lessons:
      - first
"""


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "first.mp4").write_bytes(b"\0")
    (tmp_path / "course.yaml").write_text(COURSE)
    (tmp_path / "lessons" / "first.md").write_text(LESSON)
    return tmp_path


def problems(exc: pytest.ExceptionInfo[FileFormatError]) -> list[tuple[str, int | None, str]]:
    return [(Path(p.path).name, p.line, p.message) for p in exc.value.problems]


def test_demo_course_is_valid_and_substantial():
    course = load_course(DEMO, FRAMEWORKS)
    lessons = list(course.lessons())
    assert len(lessons) >= 6
    assert {code for lesson in lessons for code in lesson.competencies} >= {"LL.2", "LP.2", "LC.1"}
    for lesson in lessons:
        assert 30 <= lesson.duration_seconds <= 90
        assert len(lesson.body.split()) > 150, lesson.slug
        assert 2 <= len(lesson.questions) <= 3
        assert lesson.reflection_prompt
        assert course.media_path(lesson.media).stat().st_size < 600_000
        assert course.media_path(lesson.captions).read_text().startswith("WEBVTT")


def test_minimal_course_reads(course_dir):
    course = load_course(course_dir, FRAMEWORKS)
    (lesson,) = course.lessons()
    assert lesson.duration_seconds == 75
    assert lesson.competencies == ["LL.2", "LP.2"]
    assert lesson.questions[0].answer == 2
    assert lesson.body == "Some **text**."
    assert course.language == "en"


def test_round_trip_through_files(course_dir, tmp_path_factory):
    course = load_course(DEMO, FRAMEWORKS)
    out = tmp_path_factory.mktemp("export")
    write_course(course, out)
    shutil.copytree(DEMO / "media", out / "media")
    assert load_course(out, FRAMEWORKS) == course
    lesson = next(course.lessons())
    assert lesson.translations  # the demo course is translated…
    # …into files of their own: the lesson's file holds the original alone.
    assert parse_lesson(dump_lesson(lesson), "x.md") == replace(lesson, translations={})


def test_malformed_front_matter_names_the_line(course_dir):
    lesson = course_dir / "lessons" / "first.md"
    lesson.write_text(LESSON.replace("answer: 2", "answer: [2"))
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    ((name, line, message),) = problems(exc)
    assert name == "first.md" and message.startswith("malformed YAML") and line in (12, 13)


def test_front_matter_nested_too_deeply_names_its_line(course_dir):
    lesson = course_dir / "lessons" / "first.md"
    lesson.write_text(LESSON.replace("answer: 2", "answer: " + "[" * 3000 + "]" * 3000))
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    assert problems(exc) == [
        (
            "first.md",
            11,
            "lists and mappings are nested more than 50 levels deep here; "
            "this file needs only a few",
        )
    ]


def test_a_nul_character_in_a_lesson_names_its_file_and_line(course_dir):
    lesson = course_dir / "lessons" / "first.md"
    lesson.write_text(LESSON.replace("Some **text**.", "Some\x00 **text**."))
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    ((name, line, message),) = problems(exc)
    assert (name, line) == ("first.md", 17) and "NUL character" in message

    (course_dir / "course.yaml").write_text(COURSE.replace("title: One", 'title: "O\\0ne"'))
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    ((name, line, message),) = problems(exc)
    assert (name, line) == ("course.yaml", 6) and "NUL character" in message


def test_unknown_competency_and_missing_media(course_dir):
    (course_dir / "media" / "first.mp4").unlink()
    (course_dir / "lessons" / "first.md").write_text(LESSON.replace("LP.2", "LP.9"))
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    found = problems(exc)
    assert (
        "first.md",
        4,
        "unknown competency code 'LP.9' (not in the course's framework)",
    ) in found
    assert any(
        name == "first.md" and line == 6 and "media file not found" in msg
        for name, line, msg in found
    )


def test_unknown_framework(course_dir):
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, {"OTHER": {"X.1"}})
    assert problems(exc) == [("course.yaml", 3, "unknown framework 'SLC' (known: OTHER)")]


def test_duplicate_slugs_and_missing_lesson_file(course_dir):
    (course_dir / "course.yaml").write_text(
        COURSE + "  - slug: one\n    title: Again\n    lessons:\n      - first\n      - second\n"
    )
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    assert problems(exc) == [
        ("course.yaml", 9, "duplicate module slug 'one' (first on line 5)"),
        ("course.yaml", 12, "duplicate lesson slug 'first' (first on line 8)"),
        ("course.yaml", 13, "lesson 'second' has no file lessons/second.md"),
    ]


def test_missing_fields_and_bad_answer(course_dir):
    text = (
        LESSON.replace("title: First lesson\n", "")
        .replace("answer: 2", "answer: 4")
        .replace('duration: "1:15"', "duration: soon")
    )
    (course_dir / "lessons" / "first.md").write_text(text)
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    found = problems(exc)
    assert (
        "first.md",
        2,
        "the lesson's front matter is missing the required field `title`",
    ) in found
    assert any(line == 4 and "`duration` is 'soon'" in msg for _, line, msg in found)
    assert any(line == 10 and "only 3 choices" in msg for _, line, msg in found)


def test_slug_must_match_file_name_and_media_must_stay_inside(course_dir):
    text = LESSON.replace("slug: first", "slug: other").replace(
        "media/first.mp4", "../../etc/passwd"
    )
    (course_dir / "lessons" / "first.md").write_text(text)
    with pytest.raises(FileFormatError) as exc:
        load_course(course_dir, FRAMEWORKS)
    found = problems(exc)
    assert ("first.md", 2, "`slug` is 'other' but the file is named first.md") in found
    assert any(line == 6 and "inside the course folder" in msg for _, line, msg in found)


def test_front_matter_must_be_closed(course_dir):
    (course_dir / "lessons" / "first.md").write_text(LESSON.replace("---\n\nSome", "\nSome"))
    with pytest.raises(FileFormatError, match=r"first.md:1: the front matter opened on line 1"):
        load_course(course_dir, FRAMEWORKS)


def test_missing_course_file(tmp_path):
    with pytest.raises(FileFormatError, match="course.yaml: file not found"):
        load_course(tmp_path)
