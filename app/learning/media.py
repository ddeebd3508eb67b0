"""What the lesson page plays: the renditions the media area made for a lesson's asset.

``app.media.services.playback_for`` gives a ``Playback`` (kind, status, sources with their
sizes, poster, captions, progress); ``learning/_media.html`` renders it as a plain
``<video>``/``<audio>``. A richer player replaces that one partial. Before transcoding
finishes, the page says so and everything else on it works.
"""

from __future__ import annotations

from app.media import services as media

from .services.translations import media_rows


def for_lesson(lesson, user, language: str):
    """The lesson's media in ``language``: that translation's own, if it has some, else the
    original's."""
    asset_id = lesson.media_asset_id
    if language != lesson.course.language:
        own = media_rows([lesson.id], language).get(lesson.id)
        if own is not None and own.media_asset_id is not None:
            asset_id = own.media_asset_id
    if asset_id is None:
        return None
    return media.playback_for(asset_id, data_saver=getattr(user, "data_saver", True))
