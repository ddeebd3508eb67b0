"""A course package in plain dataclasses, and the limits every course file keeps to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HINT = "use lower-case letters, digits and single dashes (for example `giving-feedback`)"
COURSE_FILE = "course.yaml"
LESSONS_DIR = "lessons"
MAX_DURATION_SECONDS = 60 * 60
# The longest slug and media path the database keeps (see the models).
MAX_SLUG = 100
MAX_PATH = 300


@dataclass
class QuestionSpec:
    """A multiple-choice quick-check question. ``answer`` counts from 1, as in the file."""

    prompt: str
    choices: list[str]
    answer: int
    feedback_correct: str
    feedback_incorrect: str
    #: Whether it comes back in the daily review (``review: false`` in the file: not).
    review: bool = True


@dataclass
class QuestionTranslationSpec:
    """A question in another language: the same choices in the same order; the original's
    answer holds."""

    prompt: str
    choices: list[str]
    feedback_correct: str
    feedback_incorrect: str


@dataclass
class LessonTranslationSpec:
    """``lessons/<slug>.<language>.md``: the lesson's text in another language, and
    optionally that language's own media and captions."""

    title: str
    reflection_prompt: str
    body: str
    questions: list[QuestionTranslationSpec] = field(default_factory=list)
    media: str | None = None
    captions: str | None = None
    # The "have you tried it?" prompt in this language (``tried:``; optional).
    tried_prompt: str = ""
    path: str | None = field(default=None, compare=False, repr=False)
    field_lines: dict[str, int | None] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class CourseTranslationSpec:
    """A course's ``translations: <language>:`` block: its title, summary and module titles."""

    title: str
    summary: str = ""
    modules: dict[str, str] = field(default_factory=dict)


@dataclass
class LessonSpec:
    slug: str
    title: str
    competencies: list[str]
    duration_seconds: int
    reflection_prompt: str
    questions: list[QuestionSpec] = field(default_factory=list)
    body: str = ""
    media: str | None = None
    captions: str | None = None
    translations: dict[str, LessonTranslationSpec] = field(default_factory=dict)
    # After the lesson's last recall review, the daily review asks it once (``tried:``;
    # optional): "Did you hold a short classroom visit this week?"
    tried_prompt: str = ""
    path: str | None = field(default=None, compare=False, repr=False)
    competency_lines: list[int | None] = field(default_factory=list, compare=False, repr=False)
    field_lines: dict[str, int | None] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class ModuleSpec:
    slug: str
    title: str
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    slug: str
    title: str
    summary: str
    framework: str
    language: str = "en"
    modules: list[ModuleSpec] = field(default_factory=list)
    translations: dict[str, CourseTranslationSpec] = field(default_factory=dict)
    root: Path | None = field(default=None, compare=False, repr=False)

    def lessons(self) -> Iterator[LessonSpec]:
        for module in self.modules:
            yield from module.lessons

    def media_files(self) -> Iterator[str]:
        """Every media and captions path the lessons name, translations included."""
        for lesson in self.lessons():
            for item in (lesson, *lesson.translations.values()):
                yield from filter(None, (item.media, item.captions))

    def media_path(self, relative: str) -> Path:
        """Where a lesson's media or captions file lives on disk."""
        assert self.root is not None, "a course read from files knows its root"
        return self.root / relative
