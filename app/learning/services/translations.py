"""A course's translations, from files into the rows and back.

Text lives in each row's ``translations`` column; a language's own media in ``LessonMedia``.
Re-importing replaces the text, so a language dropped from the files is no longer offered
(unpublished); its media rows stay, and progress, answers and reflections, which belong to
the lesson and not to a language, are never touched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.media import services as media

from ..course_files import (
    CourseSpec,
    CourseTranslationSpec,
    LessonSpec,
    LessonTranslationSpec,
    QuestionTranslationSpec,
)
from ..models import Course, Lesson, LessonMedia, Module


def apply_course_translations(course: Course, spec: CourseSpec, modules: dict[str, Module]) -> None:
    """The course's and its modules' text in each language of ``spec``."""
    course.translations = {
        language: {"title": t.title, "summary": t.summary}
        for language, t in spec.translations.items()
    } or None
    for slug, module in modules.items():
        titles = {
            language: {"title": t.modules[slug]}
            for language, t in spec.translations.items()
            if slug in t.modules
        }
        module.translations = titles or None


def lesson_translations(spec: LessonSpec, render) -> dict | None:
    """What ``Lesson.translations`` holds for ``spec``; ``render`` turns Markdown into HTML."""
    return {
        language: {
            "title": t.title,
            "body": t.body,
            "body_html": render(t.body),
            "reflection_prompt": t.reflection_prompt,
            # Only where written, so lessons stored before it existed read unchanged.
            **({"tried_prompt": t.tried_prompt} if t.tried_prompt else {}),
        }
        for language, t in spec.translations.items()
    } or None


def apply_question_translations(lesson: Lesson, spec: LessonSpec) -> None:
    """Each active question's text in every language the lesson is translated into; the
    files guarantee the same questions in the same order with as many choices."""
    active = sorted((q for q in lesson.questions if q.active), key=lambda q: q.position)
    for n, question in enumerate(active):
        question.translations = {
            language: _question_text(t.questions[n])
            for language, t in spec.translations.items()
            if n < len(t.questions)
        } or None


def _question_text(q: QuestionTranslationSpec) -> dict:
    return {
        "prompt": q.prompt,
        "choices": list(q.choices),
        "feedback_correct": q.feedback_correct,
        "feedback_incorrect": q.feedback_incorrect,
    }


def apply_translation_media(lesson: Lesson, spec: LessonSpec) -> None:
    """Where each translation's media and captions come from in the files (for export),
    whether or not the import queues them."""
    rows = {row.language: row for row in lesson.media_translations}
    for language, t in spec.translations.items():
        row = rows.get(language)
        if row is None and (t.media or t.captions):
            row = LessonMedia(language=language)
            lesson.media_translations.append(row)
        if row is not None:
            row.media_source, row.captions_source = t.media, t.captions


def queue_translation_media(spec: CourseSpec, lessons: dict[str, Lesson]) -> list[str]:
    """Hand each translation's new or changed media to the media area, in the import's
    transaction; gives "<lesson>.<language>" for each one queued.

    A translation with captions but no media of its own captions the original's video: the
    pipeline makes that video again with these captions, so each language plays one asset.
    """
    queued = []
    for l_spec in spec.lessons():
        rows = {row.language: row for row in lessons[l_spec.slug].media_translations}
        for language, t in l_spec.translations.items():
            row = rows.get(language)
            source_name = t.media or (l_spec.media if t.captions else None)
            if row is None or source_name is None:
                if row is not None:
                    row.media_asset_id = row.media_sha256 = None
                continue
            files = [spec.media_path(source_name)]
            if t.captions:
                files.append(spec.media_path(t.captions))
            digest = _sha256(files)
            if row.media_asset_id is not None and row.media_sha256 == digest:
                continue
            asset = media.queue_transcode(
                files[0],
                title=t.title,
                captions=files[1] if t.captions else None,
                captions_language=language,
            )
            row.media_asset_id, row.media_sha256 = asset.id, digest
            queued.append(f"{l_spec.slug}.{language}")
    return queued


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


# --- back to files -------------------------------------------------------------------------


def course_translations_to_spec(
    course: Course, modules: list[Module]
) -> dict[str, CourseTranslationSpec]:
    result = {}
    for language, text in sorted((course.translations or {}).items()):
        result[language] = CourseTranslationSpec(
            title=text.get("title", ""),
            summary=text.get("summary", ""),
            modules={
                m.slug: m.translation(language)["title"]
                for m in modules
                if m.translation(language).get("title")
            },
        )
    return result


def lesson_translations_to_spec(lesson: Lesson) -> dict[str, LessonTranslationSpec]:
    rows = {row.language: row for row in lesson.media_translations}
    questions = [q for q in lesson.questions if q.active]
    result = {}
    for language, text in sorted((lesson.translations or {}).items()):
        row = rows.get(language)
        result[language] = LessonTranslationSpec(
            title=text.get("title", ""),
            reflection_prompt=text.get("reflection_prompt", ""),
            tried_prompt=text.get("tried_prompt", ""),
            body=text.get("body", ""),
            questions=[_question_spec(q.translation(language)) for q in questions],
            media=row.media_source if row else None,
            captions=row.captions_source if row else None,
        )
    return result


def _question_spec(text: dict) -> QuestionTranslationSpec:
    return QuestionTranslationSpec(
        text.get("prompt", ""),
        list(text.get("choices", [])),
        text.get("feedback_correct", ""),
        text.get("feedback_incorrect", ""),
    )
