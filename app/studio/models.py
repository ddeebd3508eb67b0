"""Who may edit which course, and resumable uploads on their way into a lesson.

``CourseAuthor`` gives a course its owner and co-authors; ``Course.authors`` (a read-only
backref) is what this area's ``permissions.can_edit_course`` reads.
``Upload`` is one tus upload into a lesson: media's ``ResumableUpload`` (the bytes, the
offset, the lease) and the lesson and language it is for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.learning.models import Course, Lesson
from app.media.models import ResumableUpload, UploadStatus

__all__ = ["CourseAuthor", "Upload", "UploadStatus"]


class CourseAuthor(db.Model):
    __tablename__ = "course_authors"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_owner: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(backref=backref("authors", viewonly=True), viewonly=True)

    def __repr__(self) -> str:
        role = "owner" if self.is_owner else "co-author"
        return f"<CourseAuthor course={self.course_id} user={self.user_id} {role}>"


class Upload(ResumableUpload, db.Model):
    """A tus upload (media's ``ResumableUpload``) of a lesson's video in one language."""

    __tablename__ = "studio_uploads"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    # Set once the lesson plays this upload's renditions (the old ones stay until then).
    applied: Mapped[bool] = mapped_column(default=False)

    lesson: Mapped[Lesson] = relationship()
