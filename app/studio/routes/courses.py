"""The studio's course pages: my courses, a course's outline (text per language, modules,
lessons, order, authors, publishing). Routes load, authorize, call one service, render;
every write is a plain form (POST → 303 → GET).

A course someone may not edit is a 404, as if it did not exist: guessing ids tells nothing.
"""

from __future__ import annotations

from flask import current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.htmx import render, see_other
from app.learning.models import Course
from app.permissions import can_author, requires

from .. import bp, services
from ..forms import (
    ActionForm,
    CoauthorForm,
    CourseForm,
    CourseTextForm,
    MoveForm,
    NewTitleForm,
    TitleForm,
)
from ._common import chosen_language, course_or_404, module_or_404


def _course_form() -> CourseForm:
    form = CourseForm()
    form.language.choices = list(current_app.config["LANGUAGES"].items())
    form.framework.choices = [(f.id, f.name) for f in services.frameworks()]
    return form


@bp.get("/")
@requires(can_author)
def home():
    return render(
        "studio/home.html", courses=services.courses_for(current_user), form=_course_form()
    )


@bp.post("/courses")
@requires(can_author)
def create_course():
    form = _course_form()
    if form.validate_on_submit():
        framework = next(f for f in services.frameworks() if f.id == form.framework.data)
        try:
            course = services.create_course(
                current_user,
                title=form.title.data,
                summary=form.summary.data or "",
                language=form.language.data,
                framework=framework,
                key=form.key.data,
            )
        except services.StudioError as error:
            form.show_error(error)
    if form.errors:
        courses = services.courses_for(current_user)
        return render("studio/home.html", courses=courses, form=form, status=422)
    flash(_("Course created. It is a draft until you publish it."), "success")
    return see_other(url_for("studio.show_course", course_id=course.id))


def _course_page(course: Course, language: str, status: int = 200, **forms):
    text = course.translation(language) if language != course.language else vars(course)
    forms.setdefault(
        "text_form",
        CourseTextForm(formdata=None, title=text.get("title", ""), summary=text.get("summary", "")),
    )
    forms.setdefault("coauthor_form", CoauthorForm(formdata=None))
    forms.setdefault("module_form", NewTitleForm(formdata=None))
    return render(
        "studio/course.html",
        status=status,
        course=course,
        language=language,
        outline=services.outline(course),
        authors=services.course_authors(course),
        blockers=services.course_blockers(course),
        action_form=ActionForm(),
        move_form=MoveForm(formdata=None),
        **forms,
    )


@bp.get("/courses/<int:course_id>")
@requires(can_author)
def show_course(course_id: int):
    course = course_or_404(course_id)
    return _course_page(course, chosen_language(course))


@bp.post("/courses/<int:course_id>")
@requires(can_author)
def update_course(course_id: int):
    course = course_or_404(course_id)
    language = chosen_language(course)
    form = CourseTextForm()
    if form.validate_on_submit():
        try:
            services.update_course(
                course, language, title=form.title.data or "", summary=form.summary.data or ""
            )
        except services.StudioError as error:
            form.title.errors.append(error.translated())
        else:
            flash(_("Saved."), "success")
            return see_other(url_for("studio.show_course", course_id=course.id, lang=language))
    return _course_page(course, language, status=422, text_form=form)


@bp.post("/courses/<int:course_id>/authors")
@requires(can_author)
def add_coauthor(course_id: int):
    course = course_or_404(course_id)
    form = CoauthorForm()
    if form.validate_on_submit():
        try:
            user = services.add_coauthor(course, form.email.data)
        except services.StudioError as error:
            form.email.errors.append(error.translated())
        else:
            flash(_("%(name)s can now edit this course.", name=user.name), "success")
            return see_other(url_for("studio.show_course", course_id=course.id))
    return _course_page(course, course.language, status=422, coauthor_form=form)


@bp.post("/courses/<int:course_id>/authors/<int:user_id>/remove")
@requires(can_author)
def remove_coauthor(course_id: int, user_id: int):
    course = course_or_404(course_id)
    if ActionForm().validate_on_submit():
        services.remove_coauthor(course, user_id)
    return see_other(url_for("studio.show_course", course_id=course.id))


@bp.post("/courses/<int:course_id>/publish")
@requires(can_author)
def publish_course(course_id: int):
    course = course_or_404(course_id)
    if ActionForm().validate_on_submit():
        try:
            services.publish_course(course)
            flash(_("Published: leaders now see this course."), "success")
        except services.StudioError as error:
            flash(error.translated(), "error")
    return see_other(url_for("studio.show_course", course_id=course.id))


@bp.post("/courses/<int:course_id>/unpublish")
@requires(can_author)
def unpublish_course(course_id: int):
    course = course_or_404(course_id)
    if ActionForm().validate_on_submit():
        services.unpublish_course(course)
        flash(_("Back to a draft: leaders no longer see this course."), "success")
    return see_other(url_for("studio.show_course", course_id=course.id))


@bp.post("/courses/<int:course_id>/modules")
@requires(can_author)
def add_module(course_id: int):
    course = course_or_404(course_id)
    form = NewTitleForm()
    if form.validate_on_submit():
        try:
            module = services.add_module(
                course, form.title.data or "", by=current_user, key=form.key.data
            )
        except services.StudioError as error:
            form.title.errors.append(error.translated())
        else:
            flash(
                _("Module “%(title)s” added: add its lessons below.", title=module.title), "success"
            )
            return see_other(
                url_for("studio.show_course", course_id=course.id, _anchor=f"module-{module.id}")
            )
    return _course_page(course, course.language, status=422, module_form=form)


@bp.post("/modules/<int:module_id>")
@requires(can_author)
def update_module(module_id: int):
    module = module_or_404(module_id)
    language = chosen_language(module.course)
    form = TitleForm()
    if form.validate_on_submit():
        try:
            services.update_module(module, language, form.title.data or "")
        except services.StudioError as error:
            flash(error.translated(), "error")
    return see_other(
        url_for(
            "studio.show_course",
            course_id=module.course_id,
            lang=language,
            _anchor=f"module-{module.id}",
        )
    )


@bp.post("/modules/<int:module_id>/move")
@requires(can_author)
def move_module(module_id: int):
    module = module_or_404(module_id)
    form = MoveForm()
    if form.validate_on_submit():
        services.move_module(module, form.step.data)
    return see_other(
        url_for("studio.show_course", course_id=module.course_id, _anchor=f"module-{module.id}")
    )


@bp.post("/modules/<int:module_id>/lessons")
@requires(can_author)
def add_lesson(module_id: int):
    module = module_or_404(module_id)
    form = NewTitleForm()
    if form.validate_on_submit():
        try:
            lesson = services.add_lesson(
                module, form.title.data or "", by=current_user, key=form.key.data
            )
        except services.StudioError as error:
            flash(error.translated(), "error")
        else:
            return see_other(url_for("studio.edit_lesson", lesson_id=lesson.id))
    for error in form.key.errors:  # drawn by hand in the course page, shown as a message
        flash(error, "error")
    return see_other(
        url_for("studio.show_course", course_id=module.course_id, _anchor=f"module-{module.id}")
    )
