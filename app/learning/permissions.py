"""Who may open a lesson, and so play the media it uses.

Drafts are previewed by whoever edits their course: the studio answers that
(``registry.grant(PREVIEW_COURSE, …)``), as this area builds nothing on the studio.
"""

from __future__ import annotations

from app.media.permissions import VIEW_ASSET
from app.permissions import can_author, can_learn, is_admin, signed_in
from app.registry import grant, granted, may_open_course, predicate

#: Whether the person may see a course's drafts (its author, in the studio).
PREVIEW_COURSE = "learning.preview_course"


@predicate
def can_view_lesson(user, lesson) -> bool:
    """A leader may open a published lesson of a published module and course (never a
    draft) of a course open to them: a programme's leaders, its courses (the programmes
    area says which through ``registry.course_access``). An author previews the lessons of
    the courses they edit, an admin any lesson."""
    if not signed_in(user):
        return False
    if is_admin(user) or granted(PREVIEW_COURSE, user, lesson.course):
        return True
    published = lesson.published and lesson.module.published and lesson.course.published
    return (
        published
        and (can_learn(user) or can_author(user))
        and may_open_course(user.id, lesson.course_id)
    )


def lessons_playing(asset) -> list:
    """The lessons that play ``asset``, in their own language or in a translation's
    (``lessons`` and ``translated_lessons`` are this area's backrefs on the asset)."""
    return [*asset.lessons, *(t.lesson for t in asset.translated_lessons)]


def _opens_a_lesson_playing(user, asset) -> bool:
    return any(can_view_lesson(user, lesson) for lesson in lessons_playing(asset))


grant(VIEW_ASSET, _opens_a_lesson_playing)
