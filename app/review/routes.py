"""Today's review, one question per page (POST → 303 → its feedback → the next), the
phone's copy of the next days' questions, and the leader's choices. Only leaders review;
an answer that is not the signed-in leader's is a 404."""

from __future__ import annotations

from flask import abort, flash, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.htmx import render, see_other
from app.i18n import current_language, format_when
from app.permissions import can_learn, requires

from . import bp, services
from .forms import AnswerForm, SettingsForm, TriedForm


@bp.get("/")
@requires(can_learn)
def today():
    page = services.today_page(current_user, services.clock(), current_language())
    return render("review/today.html", page=page, form=AnswerForm(), tried_form=TriedForm())


@bp.post("/tried/<int:lesson_id>")
@requires(can_learn)
def tried(lesson_id: int):
    """The answer to a lesson's "have you tried it?" question (``services.tried``)."""
    form = TriedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        again = services.record_tried(current_user, lesson_id, form.answer.data, services.clock())
    except services.ReviewError as error:
        if error.field == "answer":
            abort(400)
        abort(404)
    if again:
        flash(_("Thank you. We will ask you again in a week."), "success")
    else:
        flash(_("Thank you. Your coach can see your answer."), "success")
    return see_other(url_for("review.today"))


@bp.post("/questions/<int:question_id>")
@requires(can_learn)
def answer(question_id: int):
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the answers."), "error")
        return see_other(url_for("review.today"))
    try:
        answered = services.record_answer(
            current_user,
            question_id,
            form.choice.data,
            form.key.data,
            now=services.clock(),
            said_at=form.said_at(),
        )
    except services.ReviewError as error:
        if error.field == "choice":
            flash(error.translated(), "error")
            return see_other(url_for("review.today"))
        abort(404)
    return see_other(url_for("review.show_answer", answer_id=answered.id))


@bp.get("/answers/<int:answer_id>")
@requires(can_learn)
def show_answer(answer_id: int):
    shown = services.feedback(current_user, answer_id, current_language())
    if shown is None:
        abort(404)
    return render("review/answer.html", shown=shown)


@bp.get("/offline.json")
@requires(can_learn)
def offline_copy():
    """The next days' questions for the phone to keep (``static/js/review.js``)."""
    pack = services.offline_pack(current_user, services.clock(), current_language())
    response = jsonify(
        day=pack.day,
        per_day=pack.counts.per_day,
        done_today=pack.counts.done_today,
        words={
            "correct": _("Correct."),
            "wrong": _("Not quite."),
            "answer": _("The answer: %(choice)s"),
            "back": _("Go back to this moment of the lesson"),
            "next": _("Next"),
            "check": _("Check"),
            "done": _("That is today's review done. Well done! More tomorrow."),
            "none": _("Nothing to review now."),
            "later": _("Nothing to review now. The next question comes back on %(day)s."),
            "queued": _("Saved on this phone. It will be sent when you are back online."),
        },
        questions=[_offline_question(q) for q in pack.questions],
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _offline_question(q: services.DueQuestion) -> dict:
    lesson = url_for(
        "learning.show_lesson",
        course_slug=q.lesson.course.slug,
        lesson_slug=q.lesson.slug,
        _anchor=f"question-{q.question.id}",
    )
    return {
        "id": q.question.id,
        "url": url_for("review.answer", question_id=q.question.id),
        "key": q.key,
        "due": q.due.isoformat(),
        "due_day": format_when(q.due, "weekday"),  # worded here: one formatter (app/i18n.py)
        "lang": q.language,
        "prompt": q.text("prompt"),
        "choices": list(q.choices),
        "answer": q.question.answer,
        "right": q.text("feedback_correct"),
        "wrong": q.text("feedback_incorrect"),
        "lesson": lesson,
    }


@bp.route("/settings", methods=["GET", "POST"])
@requires(can_learn)
def settings():
    chosen = services.choices(current_user)
    form = SettingsForm(
        per_day=chosen.per_day,
        remind_hour="" if chosen.remind_hour is None else str(chosen.remind_hour),
    )
    if form.validate_on_submit():
        try:
            services.save_choices(current_user, form.per_day.data, form.hour())
        except services.ReviewError as error:
            getattr(form, error.field).errors = [error.translated()]
        else:
            flash(_("Your review choices are saved."), "success")
            return see_other(url_for("review.today"))
    return render("review/settings.html", form=form, status=422 if form.errors else 200)
