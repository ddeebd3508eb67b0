"""Media operations, one module each: settings and storage, accepting an upload, the transcode
job, the sweeper that rescues lost jobs, and playback.

Like every area's services, a function that a route, command or job calls is one unit of
work and commits before it returns (:func:`retry`, :func:`accept_upload`); the job and the
sweeper commit each conditional write as they go, since the database is how concurrent
attempts coordinate. Building blocks that other areas' services compose into their own
transaction (:func:`queue_transcode`, :func:`delete_asset`) never commit, and say so.
"""

from ._common import error_text
from .jobs import run_transcode
from .playback import (
    Playback,
    PlaybackCaptions,
    PlaybackChoice,
    PlaybackSource,
    file_url,
    playback_for,
    presign_playlist,
    signed_url,
)
from .settings import CONTENT_TYPES, create_storage, limits, storage
from .sweeper import sweep_stale_jobs
from .uploads import (
    accept_upload,
    delete_asset,
    enqueue_after_commit,
    get_asset,
    queue_refused,
    queue_stored_source,
    queue_transcode,
    retry,
    source_key_for_new_asset,
)

__all__ = [
    "CONTENT_TYPES",
    "Playback",
    "PlaybackCaptions",
    "PlaybackChoice",
    "PlaybackSource",
    "accept_upload",
    "create_storage",
    "delete_asset",
    "enqueue_after_commit",
    "error_text",
    "file_url",
    "get_asset",
    "limits",
    "playback_for",
    "presign_playlist",
    "queue_refused",
    "queue_stored_source",
    "queue_transcode",
    "retry",
    "run_transcode",
    "signed_url",
    "source_key_for_new_asset",
    "storage",
    "sweep_stale_jobs",
]
