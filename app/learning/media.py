"""What the lesson page plays: the renditions the media area made for a lesson's asset.

``app.media.services.playback_for`` gives a ``Playback`` (kind, status, sources with their
sizes, poster, captions, progress); ``learning/_media.html`` renders it as a plain
``<video>``/``<audio>``. A richer player replaces that one partial. Before transcoding
finishes, the page says so and everything else on it works.
"""

from __future__ import annotations

from app.media import services as media


def for_lesson(lesson, user):
    if lesson.media_asset_id is None:
        return None
    return media.playback_for(lesson.media_asset_id, data_saver=getattr(user, "data_saver", True))
