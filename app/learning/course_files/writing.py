"""Writing a package back to files, so authors can keep courses in git."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.frameworks.files import dump_yaml

from .spec import COURSE_FILE, LESSONS_DIR, CourseSpec, LessonSpec, LessonTranslationSpec


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
    if course.translations:
        data["translations"] = {
            language: {
                "title": t.title,
                **({"summary": t.summary} if t.summary else {}),
                **({"modules": dict(t.modules)} if t.modules else {}),
            }
            for language, t in sorted(course.translations.items())
        }
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
    return _lesson_file(front, lesson, [q.answer for q in lesson.questions])


def dump_lesson_translation(translation: LessonTranslationSpec) -> str:
    """A translation's file: like its lesson's, without what belongs to the original."""
    return _lesson_file({"title": translation.title}, translation, [])


def _lesson_file(front: dict[str, Any], lesson, answers: list[int]) -> str:
    """Front matter (``front``, then the media, reflection and quick check of ``lesson``, a
    lesson or a translation) and the Markdown body. Questions carry ``answers`` if given."""
    if lesson.media:
        front["media"] = lesson.media
    if lesson.captions:
        front["captions"] = lesson.captions
    front["reflection"] = lesson.reflection_prompt
    if getattr(lesson, "tried_prompt", ""):  # only where the author wrote one
        front["tried"] = lesson.tried_prompt
    if lesson.questions:
        front["quick_check"] = [
            {
                "question": q.prompt,
                "choices": list(q.choices),
                **({"answer": answers[n]} if answers else {}),
                "feedback": {"correct": q.feedback_correct, "incorrect": q.feedback_incorrect},
                # Only where an author left it out of the daily review (a translation has none).
                **({} if getattr(q, "review", True) else {"review": False}),
            }
            for n, q in enumerate(lesson.questions)
        ]
    return f"---\n{dump_yaml(front)}---\n\n{lesson.body.strip()}\n"


def write_course(course: CourseSpec, root: str | Path) -> list[Path]:
    """Write ``course.yaml``, ``lessons/<slug>.md`` and each ``lessons/<slug>.<language>.md``;
    media files are the caller's to copy."""
    root = Path(root)
    (root / LESSONS_DIR).mkdir(parents=True, exist_ok=True)
    written = [root / COURSE_FILE]
    written[0].write_text(dump_course_yaml(course), encoding="utf-8")
    for lesson in course.lessons():
        target = root / LESSONS_DIR / f"{lesson.slug}.md"
        target.write_text(dump_lesson(lesson), encoding="utf-8")
        written.append(target)
        for language, translation in sorted(lesson.translations.items()):
            target = root / LESSONS_DIR / f"{lesson.slug}.{language}.md"
            target.write_text(dump_lesson_translation(translation), encoding="utf-8")
            written.append(target)
    return written
