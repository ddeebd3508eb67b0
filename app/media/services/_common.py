"""An asset's error: kept in English and as a template with parameters, shown translated;
and a refused resumable upload's (:class:`UploadError`)."""

from __future__ import annotations

import logging

from flask import has_request_context
from flask_babel import gettext

from app.errors import ServiceError
from media_pipeline.errors import N_, render

from ..models import MediaAsset

log = logging.getLogger(__name__)

GIVE_UP_MESSAGE = N_(
    "We could not prepare this video after %(attempts)s attempts. Try uploading it again; "
    "if it keeps failing, tell your programme's support contact."
)
DISK_FULL_MESSAGE = N_(
    "The server ran out of disk space while preparing this video. Nothing is lost: it will "
    "be prepared again by itself once space is freed, with no need to upload it again."
)


class UploadError(ServiceError):
    """A refused tus request (``services.resumable``): ``status`` is its HTTP status."""

    status = 400

    def __init__(self, template: str, status: int | None = None, **params) -> None:
        super().__init__(template, **params)
        if status is not None:
            self.status = status


NO_ERROR = {"error": None, "error_template": None, "error_params": None}


def error_columns(template: str, params: dict) -> dict:
    """The asset columns for an error: the English sentence, and its template and parameters."""
    return {"error": render(template, params), "error_template": template, "error_params": params}


def error_text(asset: MediaAsset) -> str | None:
    """The asset's error for a person, in the language of the current request.

    Errors stored before templates were kept, or a translation whose placeholders do not fit,
    fall back to the English sentence in ``asset.error``.
    """
    if asset.error_template is None or not has_request_context():
        return asset.error
    try:
        return render(asset.error_template, asset.error_params, gettext)
    except (KeyError, TypeError, ValueError):
        log.exception("media asset %s: cannot translate its error", asset.id)
        return asset.error
