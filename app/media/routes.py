"""Media over HTTP: rendition files (signed, ranged, cached for good) and an asset's status."""

from __future__ import annotations

import time

from flask import abort, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.htmx import is_fragment_request, render, see_other
from app.permissions import can_manage_media, can_view_media
from app.sessions import same_for_everyone
from media_pipeline.storage import LocalStorage

from . import bp, services
from .models import MediaAsset

#: Keys are never reused for other content, so a file may be cached for as long as caches go
#: — but not past its signed URL's expiry (see serve_file).
IMMUTABLE = 365 * 24 * 3600
#: Text files sent whole rather than streamed, so that Flask-Compress compresses them (it
#: leaves streamed files, as send_file makes them, uncompressed for gzip-only clients).
#: Captions are small and shrink three- to fourfold.
SENT_WHOLE = {".vtt"}
SENT_WHOLE_MAX_BYTES = 1024 * 1024
HTMX_STOP_POLLING = 286

# ``{{ asset|media_error }}``: the asset's error in the reader's language.
bp.add_app_template_filter(services.error_text, "media_error")


@bp.get("/files/<path:key>")
@same_for_everyone
def serve_file(key: str):
    """A stored file, for whoever holds an unexpired signed URL (the lesson page made it).

    Werkzeug answers ``Range`` with 206, ``If-None-Match``/``If-Range`` against the ETag.
    Captions go out whole, so they are compressed for clients that accept it.
    Caches may keep the file while the URL is valid: the URL is the permission, so a shared
    cache must not go on serving it to whoever holds an expired link.
    """
    storage = services.storage()
    if not isinstance(storage, LocalStorage):
        abort(404)  # with S3 the browser goes to the bucket with a presigned URL
    expires = request.args.get("expires", "")
    if not storage.verify(key, expires, request.args.get("sig", "")):
        abort(403)
    try:
        path = storage.local_path(key)
    except ValueError:
        abort(404)
    if path is None or not path.is_file():
        abort(404)
    mimetype = services.CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    response = send_file(
        path,
        mimetype=mimetype,
        conditional=True,
        etag=True,
        max_age=min(IMMUTABLE, int(expires) - int(time.time())),
        download_name=path.name,
    )
    if (
        path.suffix in SENT_WHOLE
        and response.status_code == 200
        and (response.content_length or 0) <= SENT_WHOLE_MAX_BYTES
    ):
        response.close()  # the open file send_file would have streamed
        response.direct_passthrough = False
        response.set_data(path.read_bytes())
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _asset_or_404(asset_id: int) -> MediaAsset:
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None:
        abort(404)
    return asset


@bp.get("/<int:asset_id>/renditions/<name>")
@login_required
def open_rendition(asset_id: int, name: str):
    """A rendition for a signed-in person allowed to see it: off to its signed URL."""
    asset = _asset_or_404(asset_id)
    if not can_view_media(current_user, asset):
        abort(403)
    rendition = next((r for r in asset.renditions if r.name == name), None)
    if rendition is None:
        abort(404)
    return redirect(services.signed_url(rendition.storage_key), code=303)


@bp.get("/<int:asset_id>")
@login_required
def show_asset(asset_id: int):
    """The author's view of an upload: status and progress, then what each rendition costs."""
    asset = _asset_or_404(asset_id)
    if not can_manage_media(current_user, asset):
        abort(403)
    status = HTMX_STOP_POLLING if is_fragment_request() and asset.is_finished else 200
    response = render("media/asset.html", block="status", status=status, asset=asset)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:asset_id>/retry")
@login_required
def retry_asset(asset_id: int):
    asset = _asset_or_404(asset_id)
    if not can_manage_media(current_user, asset):
        abort(403)
    services.retry(asset, by=current_user)
    return see_other(url_for("media.show_asset", asset_id=asset_id))
