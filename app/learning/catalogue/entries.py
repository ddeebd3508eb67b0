"""The kept published content's types: frozen dataclasses whose ``translations`` are
read-only mappings, and ``translated()`` as on rows (:class:`TranslatedText`), so templates
read both alike."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass

from app.translatable import KeptText, TranslatedText


@dataclass(frozen=True, eq=False)
class CompetencyTag(KeptText):
    id: int
    code: str
    title: str
    translations: Mapping | None
    language: str  # its framework's


@dataclass(frozen=True, eq=False)
class CourseEntry(KeptText):
    id: int
    slug: str
    title: str
    summary: str
    language: str
    translations: Mapping | None
    duration_seconds: int


@dataclass(frozen=True, eq=False)
class ModuleEntry(KeptText):
    id: int
    course_id: int
    slug: str
    title: str
    translations: Mapping | None
    language: str  # its course's


@dataclass(frozen=True, eq=False)
class LessonEntry(TranslatedText):
    """A published lesson as Learn lists it: its title in every language, not its text."""

    id: int
    course_id: int
    module_id: int
    slug: str
    title: str
    translations: Mapping | None  # {"fr": {"title": …}}: titles only
    position: int
    duration_seconds: int
    course: CourseEntry
    module: ModuleEntry
    competencies: tuple[CompetencyTag, ...]

    @property
    def original_language(self) -> str:
        return self.course.language


@dataclass(frozen=True, eq=False)
class QuestionEntry(KeptText):
    id: int
    lesson_id: int
    course_id: int
    position: int
    prompt: str
    choices: tuple[str, ...]
    answer: int
    feedback_correct: str
    feedback_incorrect: str
    translations: Mapping | None
    language: str  # its course's


@dataclass(frozen=True, eq=False)
class LessonDetail(TranslatedText):
    """A lesson as its page shows it: its text in every language, its active questions in
    order, and which media asset plays in each language."""

    id: int
    course_id: int
    module_id: int
    slug: str
    title: str
    body_html: str
    reflection_prompt: str
    translations: Mapping | None
    position: int
    duration_seconds: int
    course: CourseEntry
    module: ModuleEntry
    competencies: tuple[CompetencyTag, ...]
    questions: tuple[QuestionEntry, ...]
    media_asset_id: int | None
    media_source: str | None
    # A translation's own media, by language (only those that have an asset).
    translated_media: Mapping[str, int]

    @property
    def original_language(self) -> str:
        return self.course.language

    def media_asset_for(self, language: str) -> int | None:
        """The asset leaders get in ``language``: the translation's own, else the original."""
        if language != self.course.language and language in self.translated_media:
            return self.translated_media[language]
        return self.media_asset_id


@dataclass(frozen=True, eq=False)
class Catalogue:
    courses: tuple[CourseEntry, ...]  # in the order Learn lists them
    modules: Mapping[int, tuple[ModuleEntry, ...]]  # course id → those with lessons, in order
    lessons: Mapping[int, tuple[LessonEntry, ...]]  # module id → in order
    course_lessons: Mapping[int, tuple[LessonEntry, ...]]  # course id → in order
    by_id: Mapping[int, LessonEntry]
    by_slugs: Mapping[tuple[str, str], LessonEntry]

    def next_after(self, course_id: int, position: int) -> LessonEntry | None:
        """The published lesson that follows ``position`` in the course."""
        lessons = self.course_lessons.get(course_id, ())
        n = bisect.bisect_right([lesson.position for lesson in lessons], position)
        return lessons[n] if n < len(lessons) else None
