"""Courses and the leader's learning journey. Services take explicit arguments, never
read the request, and commit their own work.

Every page's data is gathered in a fixed number of queries whatever the number of
courses, lessons or answers, so pages stay fast as a programme grows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import markdown
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, joinedload, load_only

from app.db import utcnow
from app.extensions import db
from app.frameworks import services as frameworks
from app.frameworks.models import Competency, Domain, Framework

from .course_files import CourseSpec, LessonSpec, ModuleSpec, QuestionSpec
from .models import (
    Course,
    Lesson,
    LessonCompetency,
    LessonProgress,
    Module,
    QuickCheckAnswer,
    QuickCheckQuestion,
    Reflection,
    SelfAssessment,
    SelfRating,
)

REFLECTION_MAX_CHARS = 20_000


# --- Markdown ----------------------------------------------------------------------------


def render_markdown(text: str) -> str:
    """Lesson Markdown to HTML with raw HTML escaped, not passed through."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


# --- import and export -------------------------------------------------------------------


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
    return report


def _apply_course(spec: CourseSpec, framework: Framework) -> CourseImport:
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    report = CourseImport(course=course, created=course is None)
    if course is None:
        course = report.course = Course(
            slug=spec.slug,
            position=(db.session.scalar(select(func.max(Course.position))) or 0) + 1,
        )
        db.session.add(course)
    course.title, course.summary, course.language = spec.title, spec.summary, spec.language
    course.framework, course.published = framework, True

    competencies = {
        c.code: c
        for c in db.session.scalars(
            select(Competency).where(Competency.framework_id == framework.id)
        )
    }
    modules = (
        {m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))}
        if course.id
        else {}
    )
    lessons = (
        {
            lesson.slug: lesson
            for lesson in db.session.scalars(
                select(Lesson)
                .where(Lesson.course_id == course.id)
                .options(joinedload(Lesson.competency_links), joinedload(Lesson.questions))
            ).unique()
        }
        if course.id
        else {}
    )

    position = 0
    for m_position, m_spec in enumerate(spec.modules):
        module = modules.pop(m_spec.slug, None)
        if module is None:
            module = Module(slug=m_spec.slug, course=course)
            db.session.add(module)
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
    for module in modules.values():
        module.published = False
    for lesson in lessons.values():
        if lesson.published:
            lesson.published = False
            report.lessons_unpublished += 1

    published = list(spec.lessons())
    course.lesson_count = len(published)
    course.duration_seconds = sum(lesson_spec.duration_seconds for lesson_spec in published)
    return report


def _lesson_changed(lesson: Lesson, spec: LessonSpec, module: Module, position: int) -> bool:
    return (
        lesson.title != spec.title
        or lesson.body != spec.body
        or lesson.position != position
        or lesson.module is not module
        or lesson.duration_seconds != spec.duration_seconds
        or lesson.reflection_prompt != spec.reflection_prompt
        or not lesson.published
        or lesson.media_source != spec.media
        or lesson.captions_source != spec.captions
        or [link.competency.code for link in lesson.competency_links] != spec.competencies
        or [_question_spec(q) for q in lesson.questions if q.active] != spec.questions
    )


def _apply_lesson(
    lesson: Lesson,
    spec: LessonSpec,
    module: Module,
    position: int,
    competencies: dict[str, Competency],
) -> None:
    lesson.module, lesson.position, lesson.published = module, position, True
    lesson.title, lesson.duration_seconds = spec.title, spec.duration_seconds
    lesson.reflection_prompt = spec.reflection_prompt
    if lesson.body != spec.body or not lesson.body_html:
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

    _apply_questions(lesson, spec.questions)


def _apply_questions(lesson: Lesson, specs: list[QuestionSpec]) -> None:
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


def _question_spec(question: QuickCheckQuestion) -> QuestionSpec:
    return QuestionSpec(
        question.prompt,
        list(question.choices),
        question.answer,
        question.feedback_correct,
        question.feedback_incorrect,
    )


def _queue_media(spec: CourseSpec, report: CourseImport) -> None:
    """Hand new or changed lesson media to the media area, when it is installed."""
    try:
        from app.media import services as media
    except ImportError:  # the media area is optional for content import
        return
    queue = getattr(media, "queue_transcode", None)
    if queue is None:
        return
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
        asset = queue(
            source, title=l_spec.title, captions=captions, captions_language=spec.language
        )
        lesson.media_asset_id, lesson.media_sha256 = asset.id, digest
        report.media_queued.append(l_spec.slug)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
                questions=[_question_spec(q) for q in lesson.questions if q.active],
                body=lesson.body,
                media=lesson.media_source,
                captions=lesson.captions_source,
            )
        )
    return CourseSpec(
        slug=course.slug,
        title=course.title,
        summary=course.summary,
        framework=course.framework.code,
        language=course.language,
        modules=[ModuleSpec(m.slug, m.title, by_module[m.id]) for m in modules],
    )


# --- the Learn page ----------------------------------------------------------------------


@dataclass
class LessonItem:
    lesson: Lesson
    competencies: list[Competency]
    progress: LessonProgress | None

    @property
    def done(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


@dataclass
class ModuleItem:
    module: Module
    lessons: list[LessonItem]


@dataclass
class CourseItem:
    course: Course
    modules: list[ModuleItem]

    @property
    def lessons(self) -> list[LessonItem]:
        return [item for module in self.modules for item in module.lessons]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.lessons)

    @property
    def percent(self) -> int:
        total = len(self.lessons)
        return round(100 * self.done_count / total) if total else 0

    @property
    def started(self) -> bool:
        return any(item.progress for item in self.lessons)


@dataclass
class ContinueItem:
    course: Course
    item: LessonItem
    fresh: bool  # nothing started yet: "start here" rather than "continue"


@dataclass
class LearnHome:
    continue_with: ContinueItem | None
    courses: list[CourseItem]


def _published_lessons():
    return (
        select(Lesson)
        .join(Course, Course.id == Lesson.course_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.published.is_(True), Course.published.is_(True), Module.published.is_(True))
    )


def learn_home(user) -> LearnHome:
    courses = db.session.scalars(
        select(Course).where(Course.published.is_(True)).order_by(Course.position, Course.title)
    ).all()
    modules = db.session.scalars(
        select(Module)
        .join(Course)
        .where(Course.published.is_(True), Module.published.is_(True))
        .order_by(Module.course_id, Module.position)
    ).all()
    lessons = db.session.scalars(
        _published_lessons()
        .options(
            load_only(
                Lesson.id,
                Lesson.course_id,
                Lesson.module_id,
                Lesson.slug,
                Lesson.title,
                Lesson.position,
                Lesson.duration_seconds,
            )
        )
        .order_by(Lesson.course_id, Lesson.position)
    ).all()
    competencies = _competencies_by_lesson(_published_lessons().with_only_columns(Lesson.id))
    progress = {
        p.lesson_id: p
        for p in db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id))
    }

    lessons_by_module: dict[int, list[LessonItem]] = defaultdict(list)
    for lesson in lessons:
        lessons_by_module[lesson.module_id].append(
            LessonItem(lesson, competencies.get(lesson.id, []), progress.get(lesson.id))
        )
    modules_by_course: dict[int, list[ModuleItem]] = defaultdict(list)
    for module in modules:
        if lessons_by_module.get(module.id):
            modules_by_course[module.course_id].append(
                ModuleItem(module, lessons_by_module[module.id])
            )
    items = [
        CourseItem(course, modules_by_course[course.id])
        for course in courses
        if modules_by_course.get(course.id)
    ]
    return LearnHome(_continue_with(items), items)


def _continue_with(courses: list[CourseItem]) -> ContinueItem | None:
    """The lesson last touched and not finished; else the next lesson of the course last
    touched; else the first lesson of the first course not finished."""
    latest: tuple[datetime, CourseItem, LessonItem] | None = None
    for course in courses:
        for item in course.lessons:
            if item.progress and (latest is None or item.progress.updated_at > latest[0]):
                latest = (item.progress.updated_at, course, item)
    if latest is not None:
        _, course, item = latest
        if not item.done:
            return ContinueItem(course.course, item, fresh=False)
        following = [
            i for i in course.lessons if i.lesson.position > item.lesson.position and not i.done
        ]
        if following:
            return ContinueItem(course.course, following[0], fresh=False)
    for course in courses:
        pending = [i for i in course.lessons if not i.done]
        if pending:
            return ContinueItem(course.course, pending[0], fresh=not course.started)
    return None


def _competencies_by_lesson(lesson_ids) -> dict[int, list[Competency]]:
    rows = db.session.execute(
        select(LessonCompetency.lesson_id, Competency)
        .join(Competency, Competency.id == LessonCompetency.competency_id)
        .where(LessonCompetency.lesson_id.in_(lesson_ids.scalar_subquery()))
        .order_by(LessonCompetency.lesson_id, LessonCompetency.position)
    )
    grouped: dict[int, list[Competency]] = defaultdict(list)
    for lesson_id, competency in rows:
        grouped[lesson_id].append(competency)
    return grouped


# --- the lesson page ---------------------------------------------------------------------


@dataclass
class QuestionItem:
    question: QuickCheckQuestion
    answer: QuickCheckAnswer | None


@dataclass
class LessonPage:
    lesson: Lesson
    course: Course
    competencies: list[Competency]
    questions: list[QuestionItem]
    progress: LessonProgress | None
    reflection: Reflection | None
    next_lesson: Lesson | None

    @property
    def done(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


def _published_lesson(*criteria) -> Lesson | None:
    """A published lesson of a published course, with its course and module loaded."""
    return db.session.scalar(
        _published_lessons()
        .where(*criteria)
        .options(contains_eager(Lesson.course), contains_eager(Lesson.module))
    )


def find_lesson(course_slug: str, lesson_slug: str) -> Lesson | None:
    return _published_lesson(Course.slug == course_slug, Lesson.slug == lesson_slug)


def get_lesson(lesson_id: int) -> Lesson | None:
    return _published_lesson(Lesson.id == lesson_id)


def lesson_page(user, lesson: Lesson, progress: LessonProgress | None = None) -> LessonPage:
    competencies = _competencies_by_lesson(select(Lesson.id).where(Lesson.id == lesson.id)).get(
        lesson.id, []
    )
    questions = db.session.scalars(
        select(QuickCheckQuestion)
        .where(QuickCheckQuestion.lesson_id == lesson.id, QuickCheckQuestion.active.is_(True))
        .order_by(QuickCheckQuestion.position)
    ).all()
    answers = {
        a.question_id: a
        for a in db.session.scalars(
            select(QuickCheckAnswer).where(
                QuickCheckAnswer.user_id == user.id, QuickCheckAnswer.lesson_id == lesson.id
            )
        )
    }
    progress = progress or _progress(user, lesson)
    reflection = db.session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )
    return LessonPage(
        lesson=lesson,
        course=lesson.course,
        competencies=competencies,
        questions=[QuestionItem(q, answers.get(q.id)) for q in questions],
        progress=progress,
        reflection=reflection,
        next_lesson=next_lesson(lesson),
    )


def next_lesson(lesson: Lesson) -> Lesson | None:
    return db.session.scalar(
        _published_lessons()
        .where(Lesson.course_id == lesson.course_id, Lesson.position > lesson.position)
        .order_by(Lesson.position)
        .limit(1)
        .options(load_only(Lesson.id, Lesson.slug, Lesson.title, Lesson.course_id, Lesson.position))
    )


def _progress(user, lesson: Lesson) -> LessonProgress | None:
    return db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    )


def _touch_progress(user, lesson: Lesson) -> LessonProgress:
    progress = _progress(user, lesson)
    if progress is None:
        progress = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id)
        db.session.add(progress)
    progress.updated_at = utcnow()
    return progress


def start_lesson(user, lesson: Lesson) -> LessonProgress:
    """Opening a lesson starts it, so "continue where you left off" can find it."""
    progress = _progress(user, lesson)
    if progress is None:
        progress = _touch_progress(user, lesson)
        db.session.commit()
    return progress


def save_position(user, lesson: Lesson, seconds: float) -> LessonProgress:
    progress = _touch_progress(user, lesson)
    progress.position_seconds = max(0, min(int(seconds), lesson.duration_seconds or int(seconds)))
    db.session.commit()
    return progress


def complete_lesson(user, lesson: Lesson) -> LessonProgress:
    progress = _touch_progress(user, lesson)
    if progress.completed_at is None:
        progress.completed_at = utcnow()
    db.session.commit()
    return progress


def save_reflection(user, lesson: Lesson, body: str) -> Reflection:
    """Save the notebook entry as it stands; the latest text wins."""
    body = body[:REFLECTION_MAX_CHARS]
    reflection = db.session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )
    if reflection is None:
        reflection = Reflection(user_id=user.id, lesson_id=lesson.id)
        db.session.add(reflection)
    reflection.body = body
    reflection.updated_at = utcnow()
    _touch_progress(user, lesson)
    db.session.commit()
    return reflection


def get_question(lesson: Lesson, question_id: int) -> QuickCheckQuestion | None:
    return db.session.scalar(
        select(QuickCheckQuestion).where(
            QuickCheckQuestion.id == question_id,
            QuickCheckQuestion.lesson_id == lesson.id,
            QuickCheckQuestion.active.is_(True),
        )
    )


def answer_question(user, question: QuickCheckQuestion, choice: int) -> QuickCheckAnswer:
    """Record an answer (choice counts from 1). The first attempt counts for accuracy;
    later attempts update what the leader sees."""
    if not 1 <= choice <= len(question.choices):
        raise ValueError(f"choice {choice} is not one of the {len(question.choices)} choices")
    correct = choice == question.answer
    answer = db.session.scalar(
        select(QuickCheckAnswer).where(
            QuickCheckAnswer.user_id == user.id, QuickCheckAnswer.question_id == question.id
        )
    )
    if answer is None:
        answer = QuickCheckAnswer(
            user_id=user.id,
            question_id=question.id,
            lesson_id=question.lesson_id,
            choice=choice,
            correct=correct,
            first_correct=correct,
            attempts=1,
        )
        db.session.add(answer)
    else:
        answer.choice, answer.correct = choice, correct
        answer.attempts += 1
        answer.answered_at = utcnow()
    _touch_progress(user, question.lesson)
    db.session.commit()
    return answer


# --- growth and self-assessment ----------------------------------------------------------


@dataclass
class CompetencyGrowth:
    competency: Competency
    lessons_available: int = 0
    lessons_done: int = 0
    answers: int = 0
    answers_correct: int = 0
    first_level: int | None = None
    latest_level: int | None = None

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.answers_correct / self.answers) if self.answers else None

    @property
    def level_change(self) -> int | None:
        if self.first_level is None or self.latest_level is None:
            return None
        return self.latest_level - self.first_level


@dataclass
class DomainGrowth:
    domain: Domain
    competencies: list[CompetencyGrowth]


@dataclass
class Growth:
    framework: Framework | None
    domains: list[DomainGrowth]
    assessments: int
    first_assessed: datetime | None
    latest_assessed: datetime | None
    level_names: dict[int, str] = field(default_factory=dict)

    def level_label(self, number: int | None) -> str:
        return f"{number} {self.level_names.get(number, '')}".strip() if number else ""


def growth(user) -> Growth:
    framework = frameworks.default_framework()
    if framework is None:
        return Growth(None, [], 0, None, None)
    by_domain = frameworks.competencies_by_domain(framework)
    rows = {c.id: CompetencyGrowth(c) for competencies in by_domain.values() for c in competencies}

    lesson_ids = _published_lessons().with_only_columns(Lesson.id).scalar_subquery()
    available = db.session.execute(
        select(LessonCompetency.competency_id, func.count())
        .where(LessonCompetency.lesson_id.in_(lesson_ids))
        .group_by(LessonCompetency.competency_id)
    )
    for competency_id, count in available:
        if row := rows.get(competency_id):
            row.lessons_available = count
    done = db.session.execute(
        select(LessonCompetency.competency_id, func.count())
        .join(
            LessonProgress,
            and_(
                LessonProgress.lesson_id == LessonCompetency.lesson_id,
                LessonProgress.user_id == user.id,
                LessonProgress.completed_at.is_not(None),
            ),
        )
        .where(LessonCompetency.lesson_id.in_(lesson_ids))
        .group_by(LessonCompetency.competency_id)
    )
    for competency_id, count in done:
        if row := rows.get(competency_id):
            row.lessons_done = count
    accuracy = db.session.execute(
        select(
            LessonCompetency.competency_id,
            func.count(),
            func.sum(case((QuickCheckAnswer.first_correct, 1), else_=0)),
        )
        .join(QuickCheckAnswer, QuickCheckAnswer.lesson_id == LessonCompetency.lesson_id)
        .where(QuickCheckAnswer.user_id == user.id)
        .group_by(LessonCompetency.competency_id)
    )
    for competency_id, count, correct in accuracy:
        if row := rows.get(competency_id):
            row.answers, row.answers_correct = count, int(correct or 0)

    ratings = db.session.execute(
        select(
            SelfAssessment.id, SelfAssessment.created_at, SelfRating.competency_id, SelfRating.level
        )
        .join(SelfRating, SelfRating.assessment_id == SelfAssessment.id)
        .where(SelfAssessment.user_id == user.id, SelfAssessment.framework_id == framework.id)
        .order_by(SelfAssessment.created_at, SelfAssessment.id)
    )
    sittings: dict[int, datetime] = {}
    for assessment_id, created_at, competency_id, level in ratings:
        sittings[assessment_id] = created_at
        row = rows.get(competency_id)
        if row is None:
            continue
        if row.first_level is None:
            row.first_level = level
        row.latest_level = level

    dates = list(sittings.values())
    return Growth(
        framework=framework,
        domains=[
            DomainGrowth(d, [rows[c.id] for c in by_domain[d.id]])
            for d in framework.domains
            if by_domain.get(d.id)
        ],
        assessments=len(sittings),
        first_assessed=dates[0] if dates else None,
        latest_assessed=dates[-1] if dates else None,
        level_names={level.number: level.name for level in framework.levels},
    )


@dataclass
class AssessmentForm:
    framework: Framework
    domains: list[tuple[Domain, list[Competency]]]
    latest: dict[int, int]


def self_assessment_form(user) -> AssessmentForm | None:
    framework = frameworks.default_framework()
    if framework is None:
        return None
    by_domain = frameworks.competencies_by_domain(framework)
    latest_id = (
        select(SelfAssessment.id)
        .where(SelfAssessment.user_id == user.id, SelfAssessment.framework_id == framework.id)
        .order_by(SelfAssessment.created_at.desc(), SelfAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest = dict(
        db.session.execute(
            select(SelfRating.competency_id, SelfRating.level).where(
                SelfRating.assessment_id == latest_id
            )
        ).all()
    )
    return AssessmentForm(
        framework=framework,
        domains=[(d, by_domain[d.id]) for d in framework.domains if by_domain.get(d.id)],
        latest=latest,
    )


def record_self_assessment(user, framework: Framework, ratings: dict[int, int]) -> SelfAssessment:
    """A new sitting; competencies left unrated are simply absent."""
    levels = {level.number for level in framework.levels}
    valid = {
        c.id
        for c in db.session.scalars(
            select(Competency).where(
                Competency.framework_id == framework.id, Competency.retired.is_(False)
            )
        )
    }
    assessment = SelfAssessment(user_id=user.id, framework_id=framework.id)
    for competency_id, level in ratings.items():
        if competency_id not in valid or level not in levels:
            raise ValueError(f"competency {competency_id} cannot be rated {level}")
        assessment.ratings.append(SelfRating(competency_id=competency_id, level=level))
    db.session.add(assessment)
    db.session.commit()
    return assessment


def list_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.position, Course.title)))
