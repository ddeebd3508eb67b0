"""What the lesson page plays: the renditions the media area made for a lesson's asset.

``app.media.services.playback_for`` gives a ``Playback`` (kind, status, sources with their
sizes, the data-saver choices with what each costs, poster, captions, progress);
``learning/_media.html`` renders it as a plain ``<video>``/``<audio>`` of the leader's chosen
rung with a download link, which ``static/js/player.js`` upgrades to segment playback
(Media Source Extensions) where the browser has it. Before transcoding finishes, the page
says so and everything else on it works.
"""

from __future__ import annotations

from app.accounts.data_use import bytes_left
from app.media import services as media


def for_lesson(lesson, user, language: str):
    """The lesson's media in ``language`` (``lesson`` a ``LessonDetail``): that
    translation's own, if it has some, else the original's."""
    asset_id = lesson.media_asset_for(language)
    if asset_id is None:
        return None
    playback = media.playback_for(asset_id, choice=user.data_rung)
    if playback is not None:
        # Auto stays within what the leader's monthly limit leaves (None: no limit).
        playback.bytes_left = bytes_left(user)
    return playback
