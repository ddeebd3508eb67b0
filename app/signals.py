"""What happened in one area that others may act on, without the area knowing them.

Media cannot call the studio (the studio builds on media), yet a finished video must reach
its lesson whether or not its author is looking. So media *announces* and the areas that
build on it *register* what to do then, as Indico's signals do (blinker: Flask depends on it).

- :data:`asset_ready`: sent by the transcode job inside the one transaction that marks a
  media asset ready (``app/media/services/jobs.py``), with ``asset_id=``. Receivers are
  building blocks (``app/units.py``): they write in that transaction and never commit, so
  the asset is ready and what follows from it is stored together, or neither is (the job
  then retries). ``app/studio/services/uploads.py`` points a lesson at its new video.

- :data:`asset_limits`: asked by the transcode job before it probes an asset, with
  ``asset_id=``: a receiver answers an :class:`AssetLimits` if the asset is one of its
  area's (a practice's video: three minutes, and a picture), else None. The job takes the
  shortest and media's own limit; a longer video, or sound alone where a picture is
  needed, is refused there, with the reason its author reads, so no request waits on
  ffprobe.

Receivers connect at import time, beside the models they change.
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

asset_ready = _signals.signal(
    "asset-ready",
    doc="A media asset's renditions are in and it is ready; kwargs: asset_id. "
    "Sent inside the transaction that marks it so; receivers never commit.",
)

asset_limits = _signals.signal(
    "asset-limits",
    doc="Before the transcode job probes an asset; kwargs: asset_id. A receiver returns "
    "an AssetLimits if the asset is its area's, else None.",
)


@dataclass(frozen=True)
class AssetLimits:
    """An area's bounds on one of its assets (:data:`asset_limits`)."""

    max_seconds: float
    needs_picture: bool = False
