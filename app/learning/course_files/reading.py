"""Reading a package's files: every problem names its file and line; all are reported together.

``package.load_course`` reads a whole package with these."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from app.frameworks.files import (
    CODE_RE,
    MAX_TITLE,
    FieldReader,
    FileFormatError,
    Problem,
    decode_text,
    load_yaml,
)

from .spec import (
    LESSONS_DIR,
    MAX_DURATION_SECONDS,
    MAX_PATH,
    MAX_SLUG,
    SLUG_HINT,
    SLUG_RE,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    QuestionSpec,
)


def course_fields(top: FieldReader, root: Path) -> CourseSpec:
    """The course's own fields from ``course.yaml``, without its modules."""
    return CourseSpec(
        slug=top.text("slug", pattern=SLUG_RE, hint=SLUG_HINT, max_length=MAX_SLUG),
        title=top.text("title", max_length=MAX_TITLE),
        summary=top.text("summary", required=False),
        framework=top.text(
            "framework", pattern=CODE_RE, hint="give the framework's code, e.g. `SLC`"
        ),
        language=top.language(),
        root=root,
    )


def known_codes_of(
    top: FieldReader, framework: str, frameworks: Mapping[str, Collection[str]] | None
) -> Collection[str] | None:
    """The competency codes lessons may use: ``None`` when there is nothing to check against."""
    if frameworks is None or not framework:
        return None
    if framework in frameworks:
        return frameworks[framework]
    known = ", ".join(sorted(frameworks)) or "none yet — import one with `flask frameworks import`"
    top.problem("framework", f"unknown framework {framework!r} (known: {known})")
    return None


def read_modules(
    top: FieldReader, root: Path, known_codes: Collection[str] | None, check_media: bool
) -> list[ModuleSpec]:
    """The modules ``course.yaml`` lists, in order, each with the lessons it lists."""
    modules: list[ModuleSpec] = []
    module_lines: dict[str, int | None] = {}
    lesson_lines: dict[str, int | None] = {}
    for item, line in top.items("modules"):
        m = FieldReader(item, top.path, top.problems, "a module", line=line)
        module = ModuleSpec(
            slug=m.text("slug", pattern=SLUG_RE, hint=SLUG_HINT, max_length=MAX_SLUG),
            title=m.text("title", max_length=MAX_TITLE),
        )
        if module.slug in module_lines:
            m.problem(
                "slug",
                f"duplicate module slug {module.slug!r} (first on line {module_lines[module.slug]})",
            )
        module_lines.setdefault(module.slug, m.line_of("slug"))
        for slug, slug_line in m.items("lessons"):
            lesson = _listed_lesson(
                m, module.slug, slug, slug_line, lesson_lines, root, known_codes, check_media
            )
            if lesson is not None:
                module.lessons.append(lesson)
        modules.append(module)
    return modules


def _listed_lesson(
    m: FieldReader,
    module_slug: str,
    slug: Any,
    slug_line: int | None,
    lesson_lines: dict[str, int | None],
    root: Path,
    known_codes: Collection[str] | None,
    check_media: bool,
) -> LessonSpec | None:
    """The lesson a module lists as ``slug``, read from its file and checked; ``None`` when
    it cannot be read. Problems go to the module's reader."""
    path, problems = m.path, m.problems
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append(
            Problem(path, slug_line, f"lesson {slug!r} in module {module_slug!r}: {SLUG_HINT}")
        )
        return None
    if slug in lesson_lines:
        problems.append(
            Problem(
                path,
                slug_line,
                f"duplicate lesson slug {slug!r} (first on line {lesson_lines[slug]})",
            )
        )
        return None
    lesson_lines[slug] = slug_line
    lesson_file = root / LESSONS_DIR / f"{slug}.md"
    if not lesson_file.is_file():
        problems.append(
            Problem(path, slug_line, f"lesson {slug!r} has no file {LESSONS_DIR}/{slug}.md")
        )
        return None
    try:
        lesson = parse_lesson(read_text(lesson_file), str(lesson_file))
    except FileFormatError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(_check_lesson(lesson, slug, root, known_codes, check_media))
    return lesson


def parse_lesson(text: str, path: str) -> LessonSpec:
    """Parse one lesson file: YAML front matter between `---` lines, then Markdown."""
    data, body, closing_line = split_front_matter(text, path)
    problems: list[Problem] = []
    fm = FieldReader(data, path, problems, "the lesson's front matter", line=2)
    lesson = LessonSpec(
        slug=fm.text("slug", pattern=SLUG_RE, hint=SLUG_HINT, max_length=MAX_SLUG),
        title=fm.text("title", max_length=MAX_TITLE),
        competencies=[],
        duration_seconds=_duration(fm),
        reflection_prompt=fm.text("reflection"),
        tried_prompt=fm.text("tried", required=False),
        body=body,
        media=fm.text("media", required=False, max_length=MAX_PATH) or None,
        captions=fm.text("captions", required=False, max_length=MAX_PATH) or None,
        path=path,
        field_lines={key: fm.line_of(key) for key in ("media", "captions")},
    )
    for code, line in fm.items("competencies"):
        if not isinstance(code, str) or not CODE_RE.match(code):
            problems.append(
                Problem(path, line, f"competency {code!r} is not a competency code such as `LL.2`")
            )
            continue
        if code in lesson.competencies:
            problems.append(Problem(path, line, f"competency {code!r} is listed twice"))
            continue
        lesson.competencies.append(code)
        lesson.competency_lines.append(line)
    for n, (item, line) in enumerate(fm.items("quick_check", required=False), start=1):
        question = read_question(
            FieldReader(item, path, problems, f"quick-check question {n}", line=line)
        )
        if question is not None:
            lesson.questions.append(question)
    if not body:
        problems.append(
            Problem(path, closing_line, "the lesson has no text after its front matter")
        )
    if problems:
        raise FileFormatError(problems)
    return lesson


def split_front_matter(text: str, path: str) -> tuple[Any, str, int]:
    """A lesson file's front matter (read as YAML), its Markdown body, and the number of
    the `---` line that closes the front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FileFormatError(
            [
                Problem(
                    path,
                    1,
                    "a lesson file must start with a `---` line, "
                    "then its front matter, then another `---` line",
                )
            ]
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise FileFormatError(
            [
                Problem(
                    path, 1, "the front matter opened on line 1 is never closed with a `---` line"
                )
            ]
        )
    data = load_yaml("".join(lines[1:end]), path, line_offset=1)
    return data, "".join(lines[end + 1 :]).strip(), end + 1


def _duration(fm: FieldReader) -> int:
    value = fm.mapping.get("duration")
    if value is None:
        fm.problem(None, "the lesson's front matter is missing the required field `duration`")
        return 0
    # YAML 1.1 already reads an unquoted 1:30 as 90; a quoted "1:30" arrives as text.
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:[0-5]\d", value.strip()):
        minutes, seconds = value.strip().split(":")
        value = int(minutes) * 60 + int(seconds)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_DURATION_SECONDS
    ):
        fm.problem(
            "duration",
            f"`duration` is {value!r}; give seconds (`75`) or minutes:seconds (`1:15`), "
            "at most one hour",
        )
        return 0
    return value


def read_question(q: FieldReader) -> QuestionSpec | None:
    prompt = q.text("question")
    choices: list[str] = []
    for choice, line in q.items("choices"):
        if (
            not isinstance(choice, str | int | float)
            or isinstance(choice, bool)
            or str(choice).strip() == ""
        ):
            q.problems.append(
                Problem(q.path, line, f"a choice in {q.where} must be a line of text")
            )
            continue
        choices.append(str(choice).strip())
    answer = q.integer("answer", minimum=1)
    if choices and len(choices) < 2:
        q.problem("choices", f"{q.where} needs at least two choices")
    if choices and answer > len(choices):
        q.problem(
            "answer",
            f"`answer` in {q.where} is {answer} but there are only {len(choices)} choices "
            "(count from 1)",
        )
    feedback = q.mapping.get("feedback")
    if isinstance(feedback, str):
        correct = incorrect = feedback.strip()
    else:
        fb = FieldReader(
            feedback, q.path, q.problems, f"`feedback` of {q.where}", line=q.line_of("feedback")
        )
        correct, incorrect = fb.text("correct"), fb.text("incorrect")
    review = q.mapping.get("review", True)
    if not isinstance(review, bool):
        q.problem("review", f"`review` in {q.where} is true or false (true when left out)")
        review = True
    return QuestionSpec(prompt, choices, answer, correct, incorrect, review)


def _check_lesson(
    lesson: LessonSpec,
    listed_slug: str,
    root: Path,
    known_codes: Collection[str] | None,
    check_media: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    path = lesson.path or ""
    if lesson.slug != listed_slug:
        problems.append(
            Problem(path, 2, f"`slug` is {lesson.slug!r} but the file is named {listed_slug}.md")
        )
    if known_codes is not None:
        for code, line in zip(lesson.competencies, lesson.competency_lines, strict=True):
            if code not in known_codes:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"unknown competency code {code!r} (not in the course's framework)",
                    )
                )
    problems.extend(check_media_paths(lesson, lesson.slug, root, check_media))
    return problems


def check_media_paths(item, slug: str, root: Path, check_media: bool) -> list[Problem]:
    """The ``media`` and ``captions`` of a lesson or a translation (``item``): inside the
    course folder, and there when ``check_media``."""
    problems: list[Problem] = []
    for key in ("media", "captions"):
        relative = getattr(item, key)
        if relative is None:
            continue
        line = item.field_lines.get(key)
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts:
            problems.append(
                Problem(
                    item.path or "",
                    line,
                    f"`{key}` must be a path inside the course folder, "
                    f"like `media/{slug}.mp4`; got {relative!r}",
                )
            )
        elif check_media and not (root / pure).is_file():
            problems.append(Problem(item.path or "", line, f"{key} file not found: {root / pure}"))
    return problems


def read_text(path: Path) -> str:
    return decode_text(path.read_bytes(), str(path))
