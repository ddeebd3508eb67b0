"""The practices' services, one module per topic; callers use this package. Each service a
route, command or job calls commits its own work.

``drafting`` writes a practice and sends it for review; ``reviewing`` the reviewer's word;
``library`` finds practices and what a reader may see; ``trying`` "I'll try this" and how
it went.
"""

from ._common import PracticeError, author_name, fold
from .discussing import Discussion, discuss, discussion_of
from .drafting import (
    LANGUAGES,
    PracticeFields,
    create_practice,
    removes_on_erasure,
    set_erasure_choice,
    submit_practice,
    update_practice,
)
from .library import (
    PRIORITY_CARD_SIZE,
    LibraryFilter,
    LibraryPage,
    for_priority,
    get_practice,
    library,
    my_practices,
    regions,
    try_of,
    visible_practice,
)
from .media import PRACTICE_VIDEOS, attach_video, expire_uploads, video_refusal
from .photos import MAX_PHOTOS, add_photo, photo_of, photos_of, remove_photo
from .reviewing import review_practice, review_queue, reviews_of
from .trying import report_outcome, tries_of, try_practice

__all__ = [
    "LANGUAGES",
    "Discussion",
    "MAX_PHOTOS",
    "PRIORITY_CARD_SIZE",
    "LibraryFilter",
    "LibraryPage",
    "PracticeError",
    "PracticeFields",
    "add_photo",
    "PRACTICE_VIDEOS",
    "attach_video",
    "expire_uploads",
    "video_refusal",
    "author_name",
    "create_practice",
    "discuss",
    "discussion_of",
    "fold",
    "for_priority",
    "get_practice",
    "library",
    "my_practices",
    "photo_of",
    "photos_of",
    "regions",
    "remove_photo",
    "removes_on_erasure",
    "report_outcome",
    "review_practice",
    "review_queue",
    "set_erasure_choice",
    "reviews_of",
    "submit_practice",
    "tries_of",
    "try_of",
    "try_practice",
    "update_practice",
    "visible_practice",
]
