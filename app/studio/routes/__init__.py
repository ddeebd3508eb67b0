"""The studio's pages: courses and modules (``courses``), lessons (``lessons``), a lesson's
video and captions (``lesson_media``) and the tus resumable-upload protocol (``tus``)."""

from . import courses, lesson_media, lessons, tus  # noqa: F401  (registers views on bp)
