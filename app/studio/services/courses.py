"""Courses and modules in the studio: create, edit per language, authors, order.

Each public function is one unit of work and commits.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.form_keys import claim_form_key
from app.frameworks.models import Framework
from app.learning.models import Course, Lesson, Module
from app.permissions import can_author, is_admin

from ..models import CourseAuthor
from ._common import N_, StudioError, renumber, unique_slug


def get_course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)


def get_module(module_id: int) -> Module | None:
    return db.session.get(Module, module_id)


def get_lesson(lesson_id: int) -> Lesson | None:
    """Any lesson, draft or published: the studio's callers check who may edit it."""
    return db.session.get(Lesson, lesson_id)


def courses_for(user) -> list[Course]:
    """The courses ``user`` may edit: every course for an admin, else their own."""
    query = select(Course).order_by(Course.position, Course.title)
    if not is_admin(user):
        query = query.join(CourseAuthor, CourseAuthor.course_id == Course.id).where(
            CourseAuthor.user_id == user.id
        )
    return list(db.session.scalars(query))


def frameworks() -> list[Framework]:
    return list(db.session.scalars(select(Framework).order_by(Framework.name)))


def create_course(
    owner, *, title: str, summary: str, language: str, framework: Framework, key: str
) -> Course:
    """A draft course that ``owner`` owns, with no module yet: the author names the first
    (a module named after the course made every crumb read "Course · Course"). The form's
    ``key`` sent again gives the course it created."""
    claimed = claim_form_key(owner.id, key, "studio.add_course", StudioError)
    if not claimed.added:
        db.session.commit()
        return db.session.get(Course, claimed.row_id)
    taken = set(db.session.scalars(select(Course.slug)))
    course = Course(
        slug=unique_slug(title, taken, "course"),
        title=title.strip(),
        summary=summary.strip(),
        language=language,
        framework=framework,
        published=False,
        position=(db.session.scalar(select(func.max(Course.position))) or 0) + 1,
        lesson_count=0,
        duration_seconds=0,
    )
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseAuthor(course_id=course.id, user_id=owner.id, is_owner=True))
    claimed.record(course.id)
    db.session.commit()
    return course


def set_text(row, language: str, values: dict[str, str]) -> None:
    """Write ``values`` in ``language``: the row's own columns in its original language,
    else its ``translations`` (a new dict, so the JSON column sees the change). An empty
    text removes that field's translation."""
    if language == row.original_language:
        for field, text in values.items():
            setattr(row, field, text)
        return
    translations = {lang: dict(text) for lang, text in (row.translations or {}).items()}
    mine = translations.setdefault(language, {})
    for field, text in values.items():
        if text:
            mine[field] = text
        else:
            mine.pop(field, None)
    if not mine:
        translations.pop(language)
    row.translations = translations or None


def update_course(course: Course, language: str, *, title: str, summary: str) -> None:
    if language == course.language and not title.strip():
        raise StudioError(N_("Give the course a title."), field="title")
    set_text(course, language, {"title": title.strip(), "summary": summary.strip()})
    db.session.commit()


def add_coauthor(course: Course, email: str) -> User:
    """Let another author edit ``course``; adding them twice changes nothing."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not can_author(user):
        raise StudioError(
            N_("No author has the address %(email)s. Ask an admin to give them the author role."),
            field="email",
            email=email.strip(),
        )
    exists = db.session.get(CourseAuthor, (course.id, user.id))
    if exists is None:
        db.session.add(CourseAuthor(course_id=course.id, user_id=user.id, is_owner=False))
    db.session.commit()
    return user


def remove_coauthor(course: Course, user_id: int) -> None:
    """An owner stays: a course always has someone to edit it."""
    author = db.session.get(CourseAuthor, (course.id, user_id))
    if author is not None and not author.is_owner:
        db.session.delete(author)
    db.session.commit()


def course_authors(course: Course) -> list[tuple[CourseAuthor, User]]:
    return list(
        db.session.execute(
            select(CourseAuthor, User)
            .join(User, User.id == CourseAuthor.user_id)
            .where(CourseAuthor.course_id == course.id)
            .order_by(CourseAuthor.is_owner.desc(), User.name)
        )
    )


def add_module(course: Course, title: str, *, by, key: str) -> Module:
    """A module at the end of ``course``; the form's ``key`` sent again by ``by`` gives the
    module it added."""
    if not title.strip():
        raise StudioError(N_("Give the module a title."), field="title")
    claimed = claim_form_key(by.id, key, "studio.add_module", StudioError)
    if not claimed.added:
        db.session.commit()
        return db.session.get(Module, claimed.row_id)
    taken = set(db.session.scalars(select(Module.slug).where(Module.course_id == course.id)))
    last = db.session.scalar(select(func.max(Module.position)).where(Module.course_id == course.id))
    module = Module(
        course=course,
        slug=unique_slug(title, taken, "module"),
        title=title.strip(),
        position=(last if last is not None else -1) + 1,
    )
    db.session.add(module)
    db.session.flush()
    claimed.record(module.id)
    db.session.commit()
    return module


def update_module(module: Module, language: str, title: str) -> None:
    if language == module.original_language and not title.strip():
        raise StudioError(N_("Give the module a title."), field="title")
    set_text(module, language, {"title": title.strip()})
    db.session.commit()


def move_module(module: Module, step: int) -> None:
    """One place up (``-1``) or down (``+1``); the lessons follow their module."""
    siblings = list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == module.course_id)
            .order_by(Module.position, Module.id)
        )
    )
    _swap(siblings, module, step)
    db.session.flush()
    renumber(module.course)
    db.session.commit()


def move_lesson(lesson: Lesson, step: int) -> None:
    """One place up or down within its module."""
    siblings = list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.module_id == lesson.module_id)
            .order_by(Lesson.position, Lesson.id)
        )
    )
    _swap(siblings, lesson, step)
    db.session.flush()
    renumber(lesson.course)
    db.session.commit()


def _swap(rows: list, row, step: int) -> None:
    """Positions 0..n in ``rows``' order, with ``row`` moved ``step`` places where it can."""
    index = rows.index(row)
    target = index + step
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    for position, item in enumerate(rows):
        item.position = position
