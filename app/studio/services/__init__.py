"""The studio's operations, one module each: courses and modules (``courses``), lessons
and their questions (``lessons``), drafts and publishing (``publishing``), and resumable
uploads (``uploads``, writing through ``sinks``). Each function a route or command calls
commits its own work. Callers use this package: ``services.create_course``.
"""

from ._common import StudioError
from .courses import (
    add_coauthor,
    add_module,
    course_authors,
    courses_for,
    create_course,
    frameworks,
    move_lesson,
    move_module,
    remove_coauthor,
    update_course,
    update_module,
)
from .lesson_media import accept_form_upload, add_captions
from .lessons import (
    active_questions,
    add_lesson,
    course_competencies,
    remove_question,
    save_question,
    update_lesson,
)
from .publishing import (
    Outline,
    course_blockers,
    current_asset,
    languages_for,
    lesson_blockers,
    lesson_missing,
    outline,
    pending_upload,
    publish_course,
    publish_lesson,
    unpublish_course,
    unpublish_lesson,
)
from .storage_use import bytes_used, check_quota, remove_failed_uploads
from .uploads import (
    UploadError,
    append,
    apply_ready_asset,
    apply_ready_uploads,
    create_upload,
    expire_uploads,
    find_upload,
    is_expired,
    setting,
    terminate,
)

__all__ = [
    "bytes_used",
    "check_quota",
    "remove_failed_uploads",
    "StudioError",
    "add_coauthor",
    "add_module",
    "course_authors",
    "courses_for",
    "create_course",
    "frameworks",
    "move_lesson",
    "move_module",
    "remove_coauthor",
    "update_course",
    "update_module",
    "active_questions",
    "add_lesson",
    "course_competencies",
    "remove_question",
    "save_question",
    "update_lesson",
    "accept_form_upload",
    "add_captions",
    "Outline",
    "course_blockers",
    "current_asset",
    "languages_for",
    "lesson_blockers",
    "lesson_missing",
    "outline",
    "pending_upload",
    "publish_course",
    "publish_lesson",
    "unpublish_course",
    "unpublish_lesson",
    "UploadError",
    "append",
    "apply_ready_asset",
    "apply_ready_uploads",
    "create_upload",
    "expire_uploads",
    "find_upload",
    "is_expired",
    "setting",
    "terminate",
]
