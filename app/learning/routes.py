"""The Learn page, lessons, growth and self-assessment. Routes load, authorize, call one
service and render; every write is a plain form (POST → 303 → GET) that HTMX enhances
by swapping only the part that changed."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import registry
from app.htmx import is_fragment_request, render, render_partial, see_other
from app.i18n import current_language
from app.permissions import can_learn, requires

from . import bp, media, services
from .forms import AnswerForm, CompleteForm, PositionForm, ReflectionForm, SelfAssessmentForm


def _lesson_or_404(lesson_id: int):
    """A published lesson open to the leader (as the process keeps it), else 404: a lesson
    of a course outside the leader's programmes is as unknown as a draft."""
    lesson = services.published_lesson_by_id(lesson_id)
    if lesson is None or not services.may_open(current_user, lesson):
        abort(404)
    return lesson


def _chosen_language(lesson) -> str | None:
    """The language the leader switched this lesson to (``?lang=``), if it has it."""
    wanted = request.args.get("lang")
    return wanted if wanted in lesson.languages else None


def _lesson_url(lesson, anchor: str | None = None) -> str:
    return url_for(
        "learning.show_lesson",
        course_slug=lesson.course.slug,
        lesson_slug=lesson.slug,
        lang=_chosen_language(lesson),
        _anchor=anchor,
    )


@bp.get("/")
@requires(can_learn)
def home():
    return render("learning/home.html", home=services.learn_home(current_user, current_language()))


@bp.get("/<course_slug>/<lesson_slug>")
@requires(can_learn)
def show_lesson(course_slug: str, lesson_slug: str):
    lesson = services.published_lesson(course_slug, lesson_slug)
    # What the leader did there, in the statement that also asks whether it is open to them.
    state = services.learner_state(current_user, lesson) if lesson else None
    if state is None:
        abort(404)
    chosen = _chosen_language(lesson)
    page = services.lesson_page(current_user, lesson, chosen or current_language(), state)
    return render(
        "learning/lesson.html",
        page=page,
        chosen_language=chosen,
        media=media.for_lesson(lesson, current_user, page.text.language),
        reflection_form=ReflectionForm(),
        complete_form=CompleteForm(),
    )


@bp.post("/lessons/<int:lesson_id>/opened")
@requires(can_learn)
def start_lesson(lesson_id: int):
    """A lesson page not yet started says it was opened, once shown (htmx on load), so
    "continue where you left off" finds it: 204. Without JavaScript the first thing the
    leader does there (a position, an answer, a notebook entry, complete) starts it."""
    lesson = _lesson_or_404(lesson_id)
    services.start_lesson(current_user, lesson)
    if is_fragment_request():
        return "", 204
    return see_other(_lesson_url(lesson))


@bp.post("/lessons/<int:lesson_id>/reflection")
@requires(can_learn)
def save_reflection(lesson_id: int):
    lesson = _lesson_or_404(lesson_id)
    form = ReflectionForm()
    if not form.validate_on_submit():
        # The field says why (too long, a NUL); a form without its CSRF token does not.
        problem = form.body.errors[0] if form.body.errors else None
        if is_fragment_request():
            return render_partial(
                "learning/_reflection_status.html",
                status=422,
                error=problem or _("Not saved: the entry is too long."),
            )
        flash(problem or _("Your notebook entry was not saved. It may be too long."), "error")
        return see_other(_lesson_url(lesson, "reflection"))
    reflection = services.save_reflection(current_user, lesson, form.body.data or "")
    if is_fragment_request():
        return render_partial("learning/_reflection_status.html", reflection=reflection)
    flash(_("Saved in your notebook."), "success")
    return see_other(_lesson_url(lesson, "reflection"))


@bp.post("/lessons/<int:lesson_id>/questions/<int:question_id>")
@requires(can_learn)
def answer_question(lesson_id: int, question_id: int):
    lesson = _lesson_or_404(lesson_id)
    question = services.get_question(lesson, question_id)
    if question is None:
        abort(404)
    form = AnswerForm()
    answer = None
    if form.validate_on_submit() and form.choice.data <= len(question.choices):
        answer = services.answer_question(current_user, question, form.choice.data)
    elif not is_fragment_request():
        flash(_("Choose one of the answers, then check."), "error")
    if is_fragment_request():
        return render_partial(
            "learning/_question.html",
            lesson=lesson,
            item=services.QuestionItem(
                question,
                answer,
                services.content_language(lesson, _chosen_language(lesson) or current_language()),
            ),
            chosen_language=_chosen_language(lesson),
            missing=answer is None,
        )
    return see_other(_lesson_url(lesson, f"question-{question.id}"))


@bp.post("/lessons/<int:lesson_id>/complete")
@requires(can_learn)
def complete_lesson(lesson_id: int):
    lesson = _lesson_or_404(lesson_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    services.complete_lesson(current_user, lesson)
    flash(_("Lesson complete. Well done!"), "success")
    return see_other(_lesson_url(lesson, "finish"))


@bp.post("/lessons/<int:lesson_id>/position")
@requires(can_learn)
def save_position(lesson_id: int):
    """Where the leader stopped watching; sent by the player every few seconds, so the
    lesson is not loaded: the upsert itself writes only to a published lesson, which any
    leader may see (``can_view_lesson``; a draft has no saved place, as before)."""
    form = PositionForm()
    if not form.validate_on_submit():
        _lesson_or_404(lesson_id)  # a lesson that does not exist is a 404 before a 400
        abort(400)
    if not services.save_position_in_published_lesson(current_user, lesson_id, form.seconds.data):
        abort(404)
    return "", 204


@bp.get("/growth")
@requires(can_learn)
def growth():
    return render(
        "learning/growth.html",
        growth=services.growth(current_user),
        cards=registry.page_cards("learning.growth", current_user),
    )


@bp.route("/self-assessment", methods=["GET", "POST"])
@requires(can_learn)
def self_assessment():
    assessment = services.self_assessment_form(current_user)
    if assessment is None:  # the programme has not set up its framework yet
        return render("learning/self_assessment.html", assessment=None)
    form = SelfAssessmentForm()
    chosen, invalid, missing = assessment.latest, set(), False
    if form.is_submitted():  # what was chosen stays, whatever is wrong with the form
        ids = [c.id for _domain, competencies in assessment.domains for c in competencies]
        levels = {lv.number for lv in assessment.framework.levels}
        chosen, invalid = form.ratings(request.form, ids, levels)
        missing = not chosen and not invalid
    if form.validate_on_submit() and chosen and not invalid:
        try:
            services.record_self_assessment(
                current_user, assessment.framework, chosen, form.key.data
            )
        except services.LearningError as error:
            form.show_error(error)
        else:
            flash(_("Thank you. Your self-assessment is saved."), "success")
            return see_other(url_for("learning.growth"))
    return render(
        "learning/self_assessment.html",
        assessment=assessment,
        form=form,
        chosen=chosen,
        invalid=invalid,
        missing=missing,
        status=422 if invalid or form.errors or form.form_errors else 200,
    )
