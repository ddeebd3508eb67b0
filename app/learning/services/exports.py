"""What an export writes besides the course's text: media uploaded in the studio, which
lives in media storage rather than in a course folder."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db

from ..models import Course, Lesson


def stored_media_files(course: Course) -> dict[str, str]:
    """The media and captions files of the published lessons whose source sits in media
    storage (uploaded in the studio rather than imported from files): relative path in the
    course package → storage key, so an export can write them out."""
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id == course.id, Lesson.published.is_(True))
        .options(joinedload(Lesson.media_translations))
    ).unique()
    files: dict[str, str] = {}
    for lesson in lessons:
        for item in (lesson, *lesson.media_translations):
            asset = item.media_asset
            if asset is None:
                continue
            if item.media_source:
                files[item.media_source] = asset.source_key
            if item.captions_source and asset.captions_key:
                files[item.captions_source] = asset.captions_key
    return files
