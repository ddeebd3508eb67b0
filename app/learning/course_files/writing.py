"""Writing a package back to files, so authors can keep courses in git."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.frameworks.files import (
    dump_yaml,
)

from .spec import COURSE_FILE, LESSONS_DIR, CourseSpec, LessonSpec


def course_to_dict(course: CourseSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": course.slug, "title": course.title}
    if course.summary:
        data["summary"] = course.summary
    data["language"] = course.language
    data["framework"] = course.framework
    data["modules"] = [
        {"slug": m.slug, "title": m.title, "lessons": [lesson.slug for lesson in m.lessons]}
        for m in course.modules
    ]
    return data


def dump_course_yaml(course: CourseSpec) -> str:
    return dump_yaml(course_to_dict(course))


def dump_lesson(lesson: LessonSpec) -> str:
    front: dict[str, Any] = {
        "slug": lesson.slug,
        "title": lesson.title,
        "competencies": list(lesson.competencies),
        "duration": lesson.duration_seconds,
    }
    if lesson.media:
        front["media"] = lesson.media
    if lesson.captions:
        front["captions"] = lesson.captions
    front["reflection"] = lesson.reflection_prompt
    if lesson.questions:
        front["quick_check"] = [
            {
                "question": q.prompt,
                "choices": list(q.choices),
                "answer": q.answer,
                "feedback": {"correct": q.feedback_correct, "incorrect": q.feedback_incorrect},
            }
            for q in lesson.questions
        ]
    return f"---\n{dump_yaml(front)}---\n\n{lesson.body.strip()}\n"


def write_course(course: CourseSpec, root: str | Path) -> list[Path]:
    """Write ``course.yaml`` and ``lessons/<slug>.md``; media files are the caller's to copy."""
    root = Path(root)
    (root / LESSONS_DIR).mkdir(parents=True, exist_ok=True)
    written = [root / COURSE_FILE]
    written[0].write_text(dump_course_yaml(course), encoding="utf-8")
    for lesson in course.lessons():
        target = root / LESSONS_DIR / f"{lesson.slug}.md"
        target.write_text(dump_lesson(lesson), encoding="utf-8")
        written.append(target)
    return written
