"""Who may edit which course, and resumable uploads on their way into a lesson.

``CourseAuthor`` gives a course its owner and co-authors; ``Course.authors`` (a read-only
backref) is what this area's ``permissions.can_edit_course`` reads.
``Upload`` is one tus upload: how many bytes it will have, how many the server holds, and a
lease (``lock_token``, ``locked_until``) that one PATCH at a time holds while it writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.learning.models import Course, Lesson
from app.media.models import MediaAsset


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


class UploadStatus:
    RECEIVING = "receiving"
    COMPLETE = "complete"


class Upload(db.Model):
    __tablename__ = "studio_uploads"

    # Random and unguessable: the upload's URL.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.RECEIVING, index=True)
    # Where the bytes go: the media source's own storage key; on S3 the multipart upload
    # and the parts sent so far ({"number": n, "etag": "…"}).
    storage_key: Mapped[str] = mapped_column(String(255))
    s3_upload_id: Mapped[str | None] = mapped_column(String(255))
    s3_parts: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    lock_token: Mapped[str | None] = mapped_column(String(32))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sha256: Mapped[str | None] = mapped_column(String(64))
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    # Set once the lesson plays this upload's renditions (the old ones stay until then).
    applied: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson] = relationship()
    asset: Mapped[MediaAsset | None] = relationship()

    def __repr__(self) -> str:
        return f"<Upload {self.id} {self.offset}/{self.length} {self.status}>"
