"""What the studio's routes share: loading what the author may edit (404 otherwise, as if
it did not exist) and the language being edited."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from app.learning.models import Course, Lesson, Module

from .. import services
from ..permissions import can_edit_course


def course_or_404(course_id: int) -> Course:
    course = services.get_course(course_id)
    if course is None or not can_edit_course(current_user, course):
        abort(404)
    return course


def module_or_404(module_id: int) -> Module:
    module = services.get_module(module_id)
    if module is None or not can_edit_course(current_user, module.course):
        abort(404)
    return module


def chosen_language(course: Course) -> str:
    """The language being edited (``?lang=``): one the programme offers, else the original."""
    wanted = request.args.get("lang")
    return wanted if wanted in current_app.config["LANGUAGES"] else course.language


def lesson_or_404(lesson_id: int) -> Lesson:
    lesson = services.get_lesson(lesson_id)
    if lesson is None or not can_edit_course(current_user, lesson.course):
        abort(404)
    return lesson
