"""The tus 1.0 resumable-upload protocol at ``/studio/uploads/``, for a lesson's video:
media's one implementation (``app/media/routes/tus.py``) with the studio's kind of upload
(``services.uploads.LessonUploads``: a lesson its author may edit, in a language)."""

from __future__ import annotations

from app.media.routes import tus
from app.permissions import can_author

from .. import bp
from ..services.uploads import LESSON_UPLOADS

tus.serve(bp, LESSON_UPLOADS, allowed=can_author)
