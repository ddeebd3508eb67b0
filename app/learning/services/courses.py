"""Courses from files and back: import a checked course package, export a course to files.

An import is one transaction; rows that leave the files are unpublished, never deleted.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.frameworks import services as frameworks
from app.frameworks.models import Competency, Framework
from app.logs import log_event
from app.media import services as media

from ..course_files import CourseSpec, LessonSpec, ModuleSpec, QuestionSpec
from ..models import Course, Lesson, LessonCompetency, Module, QuickCheckQuestion
from . import translations

# --- Markdown ----------------------------------------------------------------------------


# The URL schemes a lesson may link to or show an image from; a URL without a scheme is on
# this site. Anything else (javascript:, vbscript:, data:, file:…) loses its URL.
SAFE_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")  # a browser drops these anywhere in a URL
_C0_AND_SPACE = "".join(map(chr, range(0x21)))  # …and these at either end


def render_markdown(text: str) -> str:
    """Lesson Markdown to HTML with raw HTML escaped, not passed through, and links and
    images only to the URLs ``SAFE_URL_SCHEMES`` allows."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # Last, once every link, image and escaped character is in place.
    md.treeprocessors.register(_SafeUrls(md), "safe_urls", -10)
    return md.convert(text)


def is_safe_url(url: str) -> bool:
    """Whether ``url``, as an attribute Markdown writes, is one a browser would open as http(s),
    mailto or tel, or on this site. It is read as the browser reads it: character references
    decoded (``jaVas&#99;ript:``), tabs and line breaks dropped, the scheme in any case."""
    seen = html.unescape(url.replace(AMP_SUBSTITUTE, "&"))
    seen = _IGNORED_IN_URLS.sub("", seen).strip(_C0_AND_SPACE).lower()
    scheme = _URL_SCHEME.match(seen)
    return scheme is None or scheme.group(1) in SAFE_URL_SCHEMES


class _SafeUrls(Treeprocessor):
    """Takes the URL off a link or an image that ``is_safe_url`` refuses: the link's text
    and the image's description stay."""

    def run(self, root) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            url = element.get(attribute) if attribute else None
            if url is not None and not is_safe_url(url):
                del element.attrib[attribute]


# --- import ------------------------------------------------------------------------------


@dataclass
class CourseImport:
    course: Course
    created: bool
    lessons_added: int = 0
    lessons_updated: int = 0
    lessons_unpublished: int = 0
    media_queued: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Created" if self.created else "Updated"
        text = (
            f"{verb} course {self.course.slug}: {self.lessons_added} lessons added, "
            f"{self.lessons_updated} updated, {self.lessons_unpublished} unpublished"
        )
        if self.media_queued:
            text += f"; media queued for {', '.join(self.media_queued)}"
        return text


class CourseImportError(ValueError):
    pass


def import_course(spec: CourseSpec, *, queue_media: bool = True) -> CourseImport:
    """Create or update the course ``spec.slug`` from checked files, in one transaction.

    Matched by slug; edits update in place; modules, lessons and questions that are no
    longer in the files are unpublished, never deleted, so no leader's progress, answer
    or reflection is lost. Media whose file changed is queued for transcoding.
    """
    framework = frameworks.find_framework(spec.framework)
    if framework is None:
        raise CourseImportError(f"unknown framework {spec.framework!r}: import it first")
    try:
        report = _apply_course(spec, framework)
        db.session.flush()
        if queue_media:
            _queue_media(spec, report)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    log_event(
        "course_imported",
        course=spec.slug,
        created=report.created,
        lessons_added=report.lessons_added,
        lessons_updated=report.lessons_updated,
        lessons_unpublished=report.lessons_unpublished,
        media_queued=len(report.media_queued),
    )
    return report


def _apply_course(spec: CourseSpec, framework: Framework) -> CourseImport:
    report = _find_or_add_course(spec.slug)
    course = report.course
    course.title, course.summary, course.language = spec.title, spec.summary, spec.language
    course.framework, course.published = framework, True

    competencies = {
        c.code: c
        for c in db.session.scalars(
            select(Competency).where(Competency.framework_id == framework.id)
        )
    }
    modules, lessons = _stored_modules(course), _stored_lessons(course)

    position = 0
    listed: dict[str, Module] = {}
    for m_position, m_spec in enumerate(spec.modules):
        module = modules.pop(m_spec.slug, None)
        if module is None:
            module = Module(slug=m_spec.slug, course=course)
            db.session.add(module)
        listed[m_spec.slug] = module
        module.title, module.position, module.published = m_spec.title, m_position, True
        for l_spec in m_spec.lessons:
            position += 1
            lesson = lessons.pop(l_spec.slug, None)
            if lesson is None:
                lesson = Lesson(slug=l_spec.slug, course=course)
                db.session.add(lesson)
                report.lessons_added += 1
            elif _lesson_changed(lesson, l_spec, module, position):
                report.lessons_updated += 1
            _apply_lesson(lesson, l_spec, module, position, competencies)
    _unpublish(modules.values(), lessons.values(), report)
    translations.apply_course_translations(course, spec, listed)

    published = list(spec.lessons())
    course.lesson_count = len(published)
    course.duration_seconds = sum(lesson_spec.duration_seconds for lesson_spec in published)
    return report


def _find_or_add_course(slug: str) -> CourseImport:
    """The report for course ``slug``: the stored course, else a new one placed last."""
    course = find_course(slug)
    report = CourseImport(course=course, created=course is None)
    if course is None:
        course = report.course = Course(
            slug=slug,
            position=(db.session.scalar(select(func.max(Course.position))) or 0) + 1,
        )
        db.session.add(course)
    return report


def _stored_modules(course: Course) -> dict[str, Module]:
    """The course's modules by slug, published or not; none yet for a new course."""
    if not course.id:
        return {}
    return {
        m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))
    }


def _stored_lessons(course: Course) -> dict[str, Lesson]:
    """The course's lessons by slug, published or not, with their competency links and
    questions loaded; none yet for a new course."""
    if not course.id:
        return {}
    return {
        lesson.slug: lesson
        for lesson in db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id)
            .options(joinedload(Lesson.competency_links), joinedload(Lesson.questions))
        ).unique()
    }


def _unpublish(modules: Iterable[Module], lessons: Iterable[Lesson], report: CourseImport) -> None:
    """Hide the modules and lessons no longer in the files, counting the lessons hidden now."""
    for module in modules:
        module.published = False
    for lesson in lessons:
        if lesson.published:
            lesson.published = False
            report.lessons_unpublished += 1


def _lesson_changed(lesson: Lesson, spec: LessonSpec, module: Module, position: int) -> bool:
    return (
        lesson.title != spec.title
        or lesson.body != spec.body
        or lesson.position != position
        or lesson.module is not module
        or lesson.duration_seconds != spec.duration_seconds
        or lesson.reflection_prompt != spec.reflection_prompt
        or lesson.tried_prompt != spec.tried_prompt
        or not lesson.published
        or lesson.media_source != spec.media
        or lesson.captions_source != spec.captions
        or [link.competency.code for link in lesson.competency_links] != spec.competencies
        or [question_spec(q) for q in lesson.questions if q.active] != spec.questions
        or lesson.translations != translations.lesson_translations(spec, render_markdown)
        or _question_translations(lesson) != _question_translations_of(spec)
    )


def _question_translations(lesson: Lesson) -> list:
    return [q.translations for q in lesson.questions if q.active]


def _question_translations_of(spec: LessonSpec) -> list:
    return [
        {
            language: vars(t.questions[n])
            for language, t in spec.translations.items()
            if n < len(t.questions)
        }
        or None
        for n in range(len(spec.questions))
    ]


def _apply_lesson(
    lesson: Lesson,
    spec: LessonSpec,
    module: Module,
    position: int,
    competencies: dict[str, Competency],
) -> None:
    lesson.module, lesson.position, lesson.published = module, position, True
    lesson.title, lesson.duration_seconds = spec.title, spec.duration_seconds
    lesson.reflection_prompt, lesson.tried_prompt = spec.reflection_prompt, spec.tried_prompt
    # Rendered on every import, so HTML stored by an older, laxer renderer does not outlive it.
    lesson.body, lesson.body_html = spec.body, render_markdown(spec.body)
    lesson.media_source, lesson.captions_source = spec.media, spec.captions

    # Keep existing link rows: replacing one with an equal new row would clash on its key.
    links = {link.competency_id: link for link in lesson.competency_links}
    lesson.competency_links = [
        links.get(competencies[code].id) or LessonCompetency(competency=competencies[code])
        for code in spec.competencies
    ]
    for n, link in enumerate(lesson.competency_links):
        link.position = n

    lesson.translations = translations.lesson_translations(spec, render_markdown)
    translations.apply_translation_media(lesson, spec)
    apply_questions(lesson, spec.questions)
    translations.apply_question_translations(lesson, spec)


def apply_questions(lesson: Lesson, specs: list[QuestionSpec]) -> None:
    """Give each question in the file the row whose leaders' answers still fit it.

    A stored answer is a choice number, so a row is reused only with the same choices and
    answer: the same prompt wherever the question moved to, else the active question at
    the same place (a reworded prompt). Anything else is a new row. Rows left over are
    hidden with their answers, at a negative position of their own, never deleted.
    """
    rows = sorted(lesson.questions, key=lambda q: (not q.active, q.position))

    def same_choices(row: QuickCheckQuestion, q_spec: QuestionSpec) -> bool:
        return list(row.choices) == list(q_spec.choices) and row.answer == q_spec.answer

    matched: list[QuickCheckQuestion | None] = []
    for q_spec in specs:
        row = next((r for r in rows if r.prompt == q_spec.prompt and same_choices(r, q_spec)), None)
        if row is not None:
            rows.remove(row)
        matched.append(row)
    for n, q_spec in enumerate(specs):
        if matched[n] is None:
            row = next(
                (r for r in rows if r.active and r.position == n and same_choices(r, q_spec)), None
            )
            if row is not None:
                rows.remove(row)
                matched[n] = row

    # (lesson, position) is unique: rows that move step aside first, so no two ever meet.
    final = {row.id: n for n, row in enumerate(matched) if row is not None}
    final.update({row.id: -row.id for row in rows})
    moving = [row for row in lesson.questions if row.position != final[row.id]]
    if moving:
        for row in moving:
            row.position = -row.id
        db.session.flush()
    for row in rows:
        row.active, row.position = False, -row.id
    for n, (row, q_spec) in enumerate(zip(matched, specs, strict=True)):
        if row is None:
            row = QuickCheckQuestion()
            lesson.questions.append(row)
        row.position, row.active = n, True
        row.prompt, row.choices, row.answer = q_spec.prompt, list(q_spec.choices), q_spec.answer
        row.feedback_correct, row.feedback_incorrect = (
            q_spec.feedback_correct,
            q_spec.feedback_incorrect,
        )
        row.in_review = q_spec.review


def question_spec(question: QuickCheckQuestion) -> QuestionSpec:
    return QuestionSpec(
        question.prompt,
        list(question.choices),
        question.answer,
        question.feedback_correct,
        question.feedback_incorrect,
        question.in_review,
    )


def _queue_media(spec: CourseSpec, report: CourseImport) -> None:
    """Hand new or changed lesson media to the media area, in the import's transaction."""
    lessons = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == report.course.id))
    }
    for l_spec in spec.lessons():
        lesson = lessons[l_spec.slug]
        if not l_spec.media:
            lesson.media_asset_id, lesson.media_sha256 = None, None
            continue
        source = spec.media_path(l_spec.media)
        digest = _sha256(source)
        if lesson.media_asset_id is not None and lesson.media_sha256 == digest:
            continue
        captions = spec.media_path(l_spec.captions) if l_spec.captions else None
        asset = media.queue_transcode(
            source, title=l_spec.title, captions=captions, captions_language=spec.language
        )
        lesson.media_asset_id, lesson.media_sha256 = asset.id, digest
        report.media_queued.append(l_spec.slug)
    report.media_queued += translations.queue_translation_media(spec, lessons)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- export and listing ------------------------------------------------------------------


def find_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def course_to_spec(course: Course) -> CourseSpec:
    """The published course as data, for writing back to files."""
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id == course.id, Module.published.is_(True))
        .order_by(Module.position)
    ).all()
    lessons = (
        db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, Lesson.published.is_(True))
            .order_by(Lesson.position)
            .options(
                joinedload(Lesson.competency_links).joinedload(LessonCompetency.competency),
                joinedload(Lesson.questions),
                joinedload(Lesson.media_translations),
            )
        )
        .unique()
        .all()
    )
    by_module: dict[int, list[LessonSpec]] = defaultdict(list)
    for lesson in lessons:
        by_module[lesson.module_id].append(
            LessonSpec(
                slug=lesson.slug,
                title=lesson.title,
                competencies=[link.competency.code for link in lesson.competency_links],
                duration_seconds=lesson.duration_seconds,
                reflection_prompt=lesson.reflection_prompt,
                tried_prompt=lesson.tried_prompt,
                questions=[question_spec(q) for q in lesson.questions if q.active],
                body=lesson.body,
                media=lesson.media_source,
                captions=lesson.captions_source,
                translations=translations.lesson_translations_to_spec(lesson),
            )
        )
    return CourseSpec(
        slug=course.slug,
        title=course.title,
        summary=course.summary,
        framework=course.framework.code,
        language=course.language,
        modules=[ModuleSpec(m.slug, m.title, by_module[m.id]) for m in modules],
        translations=translations.course_translations_to_spec(course, modules),
    )


def list_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.position, Course.title)))
