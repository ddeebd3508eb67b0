"""Reading a course's translations: the ``translations:`` block of ``course.yaml`` and each
``lessons/<slug>.<language>.md``, checked against the original.

A translation must match its original — the same questions in the same order, each with as
many choices — so that a leader's answers and progress mean the same in every language. A
translation that does not is refused at its file and line, with the rest of the package.
"""

from __future__ import annotations

from pathlib import Path

from app.frameworks.files import (
    LANGUAGE_RE,
    MAX_TITLE,
    FieldReader,
    FileFormatError,
    Problem,
)

from .reading import check_media_paths, read_question, read_text, split_front_matter
from .spec import (
    COURSE_FILE,
    LESSONS_DIR,
    CourseSpec,
    CourseTranslationSpec,
    LessonSpec,
    LessonTranslationSpec,
    QuestionTranslationSpec,
)

LANGUAGE_HINT = "use a language code such as `fr` or `sw`"
# Keys of the original lesson that a translation does not repeat.
ORIGINAL_ONLY = ("slug", "competencies", "duration")


def read_course_translations(
    top: FieldReader, course: CourseSpec
) -> dict[str, CourseTranslationSpec]:
    """The ``translations:`` block of ``course.yaml``: per language, the course's title,
    summary and its modules' titles."""
    block = top.mapping.get("translations")
    if block is None:
        return {}
    if not isinstance(block, dict):
        top.problem("translations", "`translations` must map language codes to the course's text")
        return {}
    modules = {m.slug for m in course.modules}
    translations: dict[str, CourseTranslationSpec] = {}
    for language, value in block.items():
        line = getattr(block, "key_lines", {}).get(language, top.line_of("translations"))
        if not _good_language(language, course.language, top.path, line, top.problems):
            continue
        t = FieldReader(value, top.path, top.problems, f"the `{language}` translation", line=line)
        spec = CourseTranslationSpec(
            title=t.text("title", max_length=MAX_TITLE),
            summary=t.text("summary", required=False),
        )
        titles = t.mapping.get("modules") or {}
        if not isinstance(titles, dict):
            t.problem(
                "modules", f"`modules` in the `{language}` translation maps module slugs to titles"
            )
            titles = {}
        m = FieldReader(
            titles,
            top.path,
            top.problems,
            f"`modules` of the `{language}` translation",
            line=t.line_of("modules"),
        )
        for slug in titles:
            if slug not in modules:
                m.problem(
                    slug,
                    f"no module {slug!r} in this course (modules: {', '.join(sorted(modules))})",
                )
                continue
            spec.modules[slug] = m.text(slug, max_length=MAX_TITLE)
        translations[language] = spec
    return translations


def _good_language(
    language, original: str, path: str, line: int | None, problems: list[Problem]
) -> bool:
    if not isinstance(language, str) or not LANGUAGE_RE.match(language):
        problems.append(
            Problem(path, line, f"{language!r} is not a language code; {LANGUAGE_HINT}")
        )
        return False
    if language == original:
        problems.append(
            Problem(
                path, line, f"`{language}` is the course's own language: it needs no translation"
            )
        )
        return False
    return True


def read_lesson_translations(course: CourseSpec, check_media: bool) -> list[Problem]:
    """Read ``lessons/<slug>.<language>.md`` for every listed lesson and every language of
    the course into ``lesson.translations``; the problems found, including translation files
    for a language the course does not have."""
    assert course.root is not None
    lessons_dir = course.root / LESSONS_DIR
    problems = _stray_files(lessons_dir, course)
    for lesson in course.lessons():
        for language in course.translations:
            path = lessons_dir / f"{lesson.slug}.{language}.md"
            if not path.is_file():
                continue  # not translated yet: leaders see the original, marked as such
            try:
                translation = parse_lesson_translation(read_text(path), str(path), lesson)
            except FileFormatError as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(check_media_paths(translation, lesson.slug, course.root, check_media))
            lesson.translations[language] = translation
    return problems


def _stray_files(lessons_dir: Path, course: CourseSpec) -> list[Problem]:
    """Translation files whose language the course does not list under ``translations:``.
    Translations of lessons no module lists are drafts, like their originals."""
    listed = {lesson.slug for lesson in course.lessons()}
    problems = []
    for path in sorted(lessons_dir.glob("*.*.md")) if lessons_dir.is_dir() else ():
        slug, _, language = path.name[: -len(".md")].partition(".")
        if slug not in listed or language in course.translations:
            continue
        if not LANGUAGE_RE.match(language) or language == course.language:
            message = f"{language!r} after the lesson slug is not a translation's language; {LANGUAGE_HINT}"
        else:
            message = (
                f"a translation into `{language}`, but {COURSE_FILE} has no `{language}:` under "
                f"`translations:`; add the course's title in {language} there, or remove this file"
            )
        problems.append(Problem(str(path), 1, message))
    return problems


def parse_lesson_translation(text: str, path: str, original: LessonSpec) -> LessonTranslationSpec:
    """One translation file, checked against its ``original`` lesson."""
    data, body, closing_line = split_front_matter(text, path)
    problems: list[Problem] = []
    fm = FieldReader(data, path, problems, "the translation's front matter", line=2)
    for key in ORIGINAL_ONLY:
        if key in fm.mapping:
            fm.problem(
                key, f"`{key}` belongs to the original lesson ({original.slug}.md); remove it here"
            )
    translation = LessonTranslationSpec(
        title=fm.text("title", max_length=MAX_TITLE),
        reflection_prompt=fm.text("reflection"),
        tried_prompt=fm.text("tried", required=False),
        body=body,
        media=fm.text("media", required=False, max_length=300) or None,
        captions=fm.text("captions", required=False, max_length=300) or None,
        path=path,
        field_lines={key: fm.line_of(key) for key in ("media", "captions")},
    )
    if translation.captions and not translation.media and not original.media:
        fm.problem(
            "captions",
            f"captions, but the original lesson ({original.slug}.md) has no media to caption",
        )
    translation.questions = _questions(fm, original)
    if not body:
        problems.append(
            Problem(path, closing_line, "the translation has no text after its front matter")
        )
    if problems:
        raise FileFormatError(problems)
    return translation


def _questions(fm: FieldReader, original: LessonSpec) -> list[QuestionTranslationSpec]:
    """The quick check, question by question against the original's."""
    items = list(fm.items("quick_check", required=False))
    expected = len(original.questions)
    if len(items) != expected:
        fm.problem(
            "quick_check" if "quick_check" in fm.mapping else None,
            f"the translation has {len(items)} quick-check question(s) but the original "
            f"({original.slug}.md) has {expected}: translate every question, in the same order",
        )
    questions = []
    for n, ((item, line), q_original) in enumerate(zip(items, original.questions, strict=False), 1):
        q = FieldReader(item, fm.path, fm.problems, f"quick-check question {n}", line=line)
        answer = q.mapping.get("answer")
        if answer is not None and answer != q_original.answer:
            q.problem(
                "answer",
                f"`answer` of question {n} is {answer!r} but the original's is {q_original.answer}; leave it out",
            )
        q.mapping.setdefault("answer", q_original.answer)
        question = read_question(q)
        if len(question.choices) != len(q_original.choices):
            q.problem(
                "choices",
                f"question {n} has {len(question.choices)} choices but the original has "
                f"{len(q_original.choices)}: translate each choice, in the same order",
            )
        questions.append(
            QuestionTranslationSpec(
                question.prompt,
                question.choices,
                question.feedback_correct,
                question.feedback_incorrect,
            )
        )
    return questions
