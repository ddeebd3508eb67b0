"""Lessons in the studio: text per language, competency tags, quick-check questions.

A published lesson is edited in place, so leaders' progress, answers and reflections keep
pointing at it. Questions go through the importer's own rule
(``learning.services.apply_questions``): a question whose choices or answer change becomes
a new row, and the old one is hidden with its answers.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.form_keys import claim_form_key
from app.forms import single_line_breaks
from app.frameworks.models import Competency
from app.learning import services as learning
from app.learning.course_files import QuestionSpec
from app.learning.models import Lesson, LessonCompetency, Module, QuickCheckQuestion

from ._common import (
    N_,
    StudioError,
    refresh_course_figures,
    renumber,
    unique_slug,
)
from .courses import set_text

MAX_CHOICES = 6
MAX_DURATION_SECONDS = 60 * 60


def add_lesson(module: Module, title: str, *, by, key: str) -> Lesson:
    """A draft lesson at the end of ``module``; the form's ``key`` sent again gives the
    lesson it created."""
    if not title.strip():
        raise StudioError(N_("Give the lesson a title."), field="title")
    claimed = claim_form_key(by.id, key, "studio.add_lesson", StudioError)
    if not claimed.added:
        db.session.commit()
        return db.session.get(Lesson, claimed.row_id)
    course = module.course
    taken = set(db.session.scalars(select(Lesson.slug).where(Lesson.course_id == course.id)))
    last = db.session.scalar(
        select(func.max(Lesson.position)).where(Lesson.module_id == module.id)
    ) or db.session.scalar(select(func.max(Lesson.position)).where(Lesson.course_id == course.id))
    lesson = Lesson(
        course=course,
        module=module,
        slug=unique_slug(title, taken, "lesson"),
        title=title.strip(),
        position=(last or 0) + 1,
        published=False,
        body="",
        body_html="",
        reflection_prompt="",
        duration_seconds=0,
    )
    db.session.add(lesson)
    db.session.flush()
    renumber(course)
    claimed.record(lesson.id)
    db.session.commit()
    return lesson


def course_competencies(lesson: Lesson) -> list[Competency]:
    return list(
        db.session.scalars(
            select(Competency)
            .where(
                Competency.framework_id == lesson.course.framework_id,
                Competency.retired.is_(False),
            )
            .order_by(Competency.position, Competency.code)
        )
    )


def update_lesson(
    lesson: Lesson,
    language: str,
    *,
    title: str,
    body: str,
    reflection_prompt: str,
    tried_prompt: str = "",
    duration_seconds: int | None = None,
    competency_ids: list[int] | None = None,
) -> None:
    """The lesson's text in ``language``; in its original language also its length and
    competencies (which every language shares)."""
    original = language == lesson.original_language
    if original and not title.strip():
        raise StudioError(N_("Give the lesson a title."), field="title")
    body = single_line_breaks(body).strip()
    values = {
        "title": title.strip(),
        "body": body,
        "body_html": learning.render_markdown(body) if body else "",
        "reflection_prompt": reflection_prompt.strip(),
        "tried_prompt": single_line_breaks(tried_prompt).strip(),
    }
    set_text(lesson, language, values)
    if original:
        if duration_seconds is not None:
            if not 0 <= duration_seconds <= MAX_DURATION_SECONDS:
                raise StudioError(
                    N_("A lesson lasts at most %(minutes)d minutes."),
                    field="duration_minutes",
                    minutes=MAX_DURATION_SECONDS // 60,
                )
            lesson.duration_seconds = duration_seconds
        if competency_ids is not None:
            _set_competencies(lesson, competency_ids)
    refresh_course_figures(lesson.course)
    db.session.commit()


def _set_competencies(lesson: Lesson, competency_ids: list[int]) -> None:
    allowed = {c.id for c in course_competencies(lesson)}
    wanted = [cid for cid in dict.fromkeys(competency_ids) if cid in allowed]
    # Keep existing link rows: an equal new row would clash on the key.
    links = {link.competency_id: link for link in lesson.competency_links}
    lesson.competency_links = [
        links.get(cid) or LessonCompetency(competency_id=cid) for cid in wanted
    ]
    for n, link in enumerate(lesson.competency_links):
        link.position = n


def active_questions(lesson: Lesson) -> list[QuickCheckQuestion]:
    return sorted((q for q in lesson.questions if q.active), key=lambda q: q.position)


def _check_question(prompt: str, choices: list[str], answer: int | None) -> None:
    if not prompt:
        raise StudioError(N_("Write the question."), field="prompt")
    if not 2 <= len(choices) <= MAX_CHOICES:
        raise StudioError(
            N_("Give between 2 and %(most)d answers, one on each line."),
            field="choices",
            most=MAX_CHOICES,
        )
    if answer is not None and not 1 <= answer <= len(choices):
        raise StudioError(
            N_("The right answer is a number from 1 to %(count)d."),
            field="answer",
            count=len(choices),
        )


def save_question(
    lesson: Lesson,
    language: str,
    index: int | None,
    *,
    prompt: str,
    choices: list[str],
    answer: int | None,
    feedback_correct: str,
    feedback_incorrect: str,
    in_review: bool = True,
    by=None,
    key: str | None = None,
) -> None:
    """Add (``index`` None) or change the lesson's question number ``index`` (from 0).

    In a translation only the text changes, and it must have as many answers as the original.
    Adding one takes its author (``by``) and its form's ``key``: the same form sent again
    adds nothing more.
    """
    prompt, choices = prompt.strip(), [c.strip() for c in choices if c.strip()]
    questions = active_questions(lesson)
    if index is not None and not 0 <= index < len(questions):
        raise StudioError(N_("That question is no longer in the lesson."))
    if language != lesson.original_language:
        if index is None:
            raise StudioError(N_("Add questions in the lesson's own language first."))
        _translate_question(
            questions[index],
            language,
            prompt=prompt,
            choices=choices,
            feedback=(feedback_correct.strip(), feedback_incorrect.strip()),
        )
        return
    _check_question(prompt, choices, answer)
    if answer is None:
        raise StudioError(N_("Give the number of the right answer."), field="answer")
    specs = [learning.question_spec(q) for q in questions]
    spec = QuestionSpec(
        prompt, choices, answer, feedback_correct.strip(), feedback_incorrect.strip(), in_review
    )
    if index is None:
        if by is None or key is None:
            raise TypeError("adding a question takes its author and its form's key")
        claimed = claim_form_key(by.id, key, "studio.add_question", StudioError)
        if not claimed.added:
            db.session.commit()
            return
        specs.append(spec)
    else:
        specs[index] = spec
    learning.apply_questions(lesson, specs)
    if index is None:
        db.session.flush()
        claimed.record(_last_question_id(lesson))
    db.session.commit()


def _translate_question(
    question: QuickCheckQuestion,
    language: str,
    *,
    prompt: str,
    choices: list[str],
    feedback: tuple[str, str],
) -> None:
    """A question's text in a translation, with as many answers as the original."""
    _check_question(prompt, choices, None)
    if len(choices) != len(question.choices):
        raise StudioError(
            N_("Give exactly %(count)d answers, as in the original."),
            field="choices",
            count=len(question.choices),
        )
    translations = {lang: dict(t) for lang, t in (question.translations or {}).items()}
    translations[language] = {
        "prompt": prompt,
        "choices": choices,
        "feedback_correct": feedback[0],
        "feedback_incorrect": feedback[1],
    }
    question.translations = translations
    db.session.commit()


def remove_question(lesson: Lesson, index: int) -> None:
    """Hide question ``index``; leaders' answers to it are kept."""
    questions = active_questions(lesson)
    if not 0 <= index < len(questions):
        return
    specs = [learning.question_spec(q) for q in questions]
    del specs[index]
    _apply(lesson, specs)


def _apply(lesson: Lesson, specs: list[QuestionSpec]) -> None:
    """The importer's rule, keeping each reused row's translations (a row the rule
    replaced keeps its own, hidden with it)."""
    learning.apply_questions(lesson, specs)
    db.session.commit()


def _last_question_id(lesson: Lesson) -> int:
    """The id of the lesson's last active question (the one just added)."""
    return active_questions(lesson)[-1].id
