"""The studio's lesson pages: edit a lesson's text per language, its competencies and
questions; order; preview as a leader sees it; publish; its video and captions."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.htmx import render, see_other
from app.learning import media as lesson_media
from app.learning import services as learning
from app.learning.forms import CompleteForm, ReflectionForm
from app.learning.models import Lesson
from app.permissions import can_author, requires
from app.security import content_security_policy

from .. import bp, services
from ..forms import ActionForm, LessonForm, MoveForm, NewQuestionForm, QuestionForm
from ._common import chosen_language, lesson_or_404


def _lesson_form(lesson: Lesson, language: str) -> LessonForm:
    text = lesson.translation(language) if language != lesson.original_language else vars(lesson)
    form = LessonForm(
        formdata=None,
        title=text.get("title", ""),
        body=text.get("body", ""),
        reflection_prompt=text.get("reflection_prompt", ""),
        tried_prompt=text.get("tried_prompt", ""),
        duration_minutes=round((lesson.duration_seconds or 0) / 60),
        competencies=[link.competency_id for link in lesson.competency_links],
    )
    return form


def _question_forms(lesson: Lesson, language: str) -> list[QuestionForm]:
    forms = []
    for question in services.active_questions(lesson):
        text = question.translation(language) if language != lesson.original_language else {}
        forms.append(
            QuestionForm(
                formdata=None,
                prefix=f"q{question.id}",
                prompt=text.get("prompt", question.prompt if not text else ""),
                choices="\n".join(text.get("choices") or ([] if text else question.choices)),
                answer=question.answer,
                feedback_correct=text.get(
                    "feedback_correct", "" if text else question.feedback_correct
                ),
                feedback_incorrect=text.get(
                    "feedback_incorrect", "" if text else question.feedback_incorrect
                ),
                in_review=question.in_review,
            )
        )
    return forms


def lesson_page(lesson: Lesson, language: str, status: int = 200, **context):
    form = context.pop("form", None) or _lesson_form(lesson, language)
    form.competencies.choices = [
        (c.id, f"{c.code} {c.translated('title')}") for c in services.course_competencies(lesson)
    ]
    return render(
        "studio/lesson.html",
        status=status,
        lesson=lesson,
        course=lesson.course,
        language=language,
        languages=services.languages_for(lesson.course),
        missing=services.lesson_missing(lesson, services.languages_for(lesson.course)),
        form=form,
        question_forms=context.pop("question_forms", None) or _question_forms(lesson, language),
        new_question=context.pop("new_question", None)
        or NewQuestionForm(formdata=None, prefix="new"),
        blockers=services.lesson_blockers(lesson),
        pending=services.pending_upload(lesson, language),
        action_form=ActionForm(),
        move_form=MoveForm(formdata=None),
        **context,
    )


@bp.get("/lessons/<int:lesson_id>")
@requires(can_author)
def edit_lesson(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    return lesson_page(lesson, chosen_language(lesson.course))


@bp.post("/lessons/<int:lesson_id>")
@requires(can_author)
def update_lesson(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    language = chosen_language(lesson.course)
    form = LessonForm()
    form.competencies.choices = [(c.id, c.code) for c in services.course_competencies(lesson)]
    if form.validate_on_submit() and not form.preview.data:
        try:
            services.update_lesson(
                lesson,
                language,
                title=form.title.data or "",
                body=form.body.data or "",
                reflection_prompt=form.reflection_prompt.data or "",
                tried_prompt=form.tried_prompt.data or "",
                duration_seconds=(
                    None if form.duration_minutes.data is None else form.duration_minutes.data * 60
                ),
                competency_ids=form.competencies.data or [],
            )
        except services.StudioError as error:
            form.show_error(error, default="title")
        else:
            flash(_("Saved."), "success")
            return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id, lang=language))
    # The Markdown preview, or the form again with what to fix: nothing typed is lost.
    preview = learning.render_markdown(form.body.data or "") if form.preview.data else None
    status = 200 if form.preview.data and not form.errors else 422
    return lesson_page(lesson, language, status=status, form=form, body_preview=preview)


@bp.post("/lessons/<int:lesson_id>/move")
@requires(can_author)
def move_lesson(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    form = MoveForm()
    if form.validate_on_submit():
        services.move_lesson(lesson, form.step.data)
    return see_other(
        url_for("studio.show_course", course_id=lesson.course_id, _anchor=f"lesson-{lesson.id}")
    )


def _question_values(form: QuestionForm) -> dict:
    return {
        "prompt": form.prompt.data or "",
        "choices": (form.choices.data or "").split("\n"),
        "answer": form.answer.data,
        "feedback_correct": form.feedback_correct.data or "",
        "feedback_incorrect": form.feedback_incorrect.data or "",
        "in_review": bool(form.in_review.data),
    }


@bp.post("/lessons/<int:lesson_id>/questions", defaults={"index": None})
@bp.post("/lessons/<int:lesson_id>/questions/<int:index>")
@requires(can_author)
def save_question(lesson_id: int, index: int | None):
    lesson = lesson_or_404(lesson_id)
    language = chosen_language(lesson.course)
    questions = services.active_questions(lesson)
    if index is not None and index >= len(questions):
        abort(404)
    prefix = "new" if index is None else f"q{questions[index].id}"
    form = NewQuestionForm(prefix=prefix) if index is None else QuestionForm(prefix=prefix)
    if form.validate_on_submit():
        try:
            services.save_question(
                lesson,
                language,
                index,
                **_question_values(form),
                by=current_user,
                key=form.key.data if index is None else None,
            )
        except services.StudioError as error:
            form.show_error(error, default="prompt")
        else:
            flash(_("Question saved."), "success")
            return see_other(
                url_for(
                    "studio.edit_lesson", lesson_id=lesson.id, lang=language, _anchor="questions"
                )
            )
    context = {"new_question": form} if index is None else {}
    if index is not None:
        forms = _question_forms(lesson, language)
        forms[index] = form
        context["question_forms"] = forms
    return lesson_page(lesson, language, status=422, **context)


@bp.post("/lessons/<int:lesson_id>/questions/<int:index>/remove")
@requires(can_author)
def remove_question(lesson_id: int, index: int):
    lesson = lesson_or_404(lesson_id)
    if ActionForm().validate_on_submit():
        services.remove_question(lesson, index)
    return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id, _anchor="questions"))


@bp.post("/lessons/<int:lesson_id>/publish")
@requires(can_author)
def publish_lesson(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    if ActionForm().validate_on_submit():
        try:
            services.publish_lesson(lesson)
            flash(_("Published."), "success")
        except services.StudioError as error:
            flash(error.translated(), "error")
    return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id))


@bp.post("/lessons/<int:lesson_id>/unpublish")
@requires(can_author)
def unpublish_lesson(lesson_id: int):
    lesson = lesson_or_404(lesson_id)
    if ActionForm().validate_on_submit():
        services.unpublish_lesson(lesson)
        flash(_("Back to a draft: leaders no longer see this lesson."), "success")
    return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id))


@bp.get("/lessons/<int:lesson_id>/preview")
@requires(can_author)
def preview_lesson(lesson_id: int):
    """The leader's own lesson page, drawn from the draft: same template, same data."""
    lesson = lesson_or_404(lesson_id)
    language = chosen_language(lesson.course)
    page = learning.lesson_page(current_user, lesson, language)
    response = render(
        "learning/lesson.html",
        page=page,
        chosen_language=request.args.get("lang"),
        media=lesson_media.for_lesson(page.lesson, current_user, page.text.language),
        reflection_form=ReflectionForm(),
        complete_form=CompleteForm(),
        preview=True,
    )
    # The studio shows it in a phone-sized frame of its own pages.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = content_security_policy().replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    return response
