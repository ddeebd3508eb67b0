"""Who may edit a course in the studio, and so preview its drafts and manage its videos.
``course.authors`` is this area's backref on the course (``CourseAuthor.course``)."""

from __future__ import annotations

from app.learning.permissions import PREVIEW_COURSE, lessons_playing
from app.media.permissions import MANAGE_ASSET
from app.permissions import can_author, is_admin, signed_in
from app.registry import grant, predicate
from app.roles import Role


@predicate
def can_edit_course(user, course) -> bool:
    """Admins edit every course; an author edits the courses they own or were added to."""
    if is_admin(user):
        return True
    if not (signed_in(user) and user.has_role(Role.AUTHOR)):
        return False
    return any(author.user_id == user.id for author in course.authors)


def _edits_a_lesson_playing(user, asset) -> bool:
    """An author manages the videos of the lessons of the courses they edit."""
    return can_author(user) and any(
        can_edit_course(user, lesson.course) for lesson in lessons_playing(asset)
    )


grant(PREVIEW_COURSE, can_edit_course)
grant(MANAGE_ASSET, _edits_a_lesson_playing)
