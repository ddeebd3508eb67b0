"""Media over HTTP: an asset's files (ranged, cached for good, access checked on each request),
the older signed file URLs, and an asset's status."""

from __future__ import annotations

import posixpath
import time

from flask import Response, abort, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from app.accounts.data_use import count_media
from app.htmx import is_fragment_request, render, see_other
from app.sessions import same_for_everyone
from media_pipeline.storage import LocalStorage

from .. import bp, services
from ..models import MediaAsset
from ..permissions import can_manage_media, can_view_media

#: Keys are never reused for other content, so a file may be cached for as long as caches go
#: — but not past its signed URL's expiry (see serve_file).
IMMUTABLE = 365 * 24 * 3600
#: Text files sent whole rather than streamed, so that Flask-Compress compresses them (it
#: leaves streamed files, as send_file makes them, uncompressed for gzip-only clients).
#: Captions are small and shrink three- to fourfold.
SENT_WHOLE = {".vtt", ".m3u8"}
SENT_WHOLE_MAX_BYTES = 1024 * 1024
HTMX_STOP_POLLING = 286

# ``{{ asset|media_error }}``: the asset's error in the reader's language.
bp.add_app_template_filter(services.error_text, "media_error")


def _stored_file_or_404(store: LocalStorage, key: str):
    """The file behind ``key`` in local storage; 404 for a key outside it or no file."""
    try:
        path = store.local_path(key)
    except ValueError:
        abort(404)
    if path is None or not path.is_file():
        abort(404)
    return path


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
    path = _stored_file_or_404(storage, key)
    response = _send_stored(path, min(IMMUTABLE, int(expires) - int(time.time())))
    response.cache_control.public = True
    return response


def _send_stored(path, max_age: int):
    """A stored file with ranges, an ETag and an immutable lifetime; small text whole."""
    response = send_file(
        path,
        mimetype=services.CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
        conditional=True,
        etag=True,
        max_age=max_age,
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
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _asset_or_404(asset_id: int) -> MediaAsset:
    asset = services.get_asset(asset_id)
    if asset is None:
        abort(404)
    return asset


def _published_key_or_404(asset_id: int, key: str) -> tuple[MediaAsset, str]:
    """The asset, if the person may see it (403) and ``key`` is one of its published files
    (404): renditions, segments, poster, captions — never the upload itself, which sits
    outside the folder the renditions were published to."""
    asset = _asset_or_404(asset_id)
    if not can_view_media(current_user, asset):
        abort(403)
    if not asset.is_ready or not asset.renditions:
        abort(404)
    folder = posixpath.dirname(asset.renditions[0].storage_key)
    if not key.startswith(folder + "/") or ".." in key:
        abort(404)
    return asset, key


@bp.get("/<int:asset_id>/files/<path:key>")
@login_required
@same_for_everyone  # no Set-Cookie and no Vary: Cookie — see below
def serve_asset_file(asset_id: int, key: str):
    """One file of an asset, at a URL that never changes (local storage).

    The signed-in person's access is checked on every request, from the session cookie, so
    the URL needs no signature: it stays the same for good, and the browser's cache and the
    service worker's keep the file instead of fetching it again. ``private`` keeps shared
    caches out; no ``Vary: Cookie``, or a refreshed session cookie would miss the cache.
    Ranges get 206 with ``Content-Range`` (416 for one past the end). Bytes sent count
    towards the person's data use this month.
    """
    _published_key_or_404(asset_id, key)
    store = services.storage()
    if not isinstance(store, LocalStorage):
        abort(404)  # with S3 the browser goes to the bucket with presigned URLs
    path = _stored_file_or_404(store, key)
    response = _send_stored(path, IMMUTABLE)
    response.cache_control.public = False  # (send_file's default)
    response.cache_control.private = True
    if response.status_code in (200, 206) and request.method == "GET":
        count_media(current_user.id, response.content_length or 0)
    return response


@bp.get("/<int:asset_id>/playlists/<path:key>")
@login_required
def serve_playlist(asset_id: int, key: str):
    """A segment playlist naming presigned segments (S3): the browser fetches them from the
    bucket, where the playlist's own relative names would arrive unsigned."""
    _published_key_or_404(asset_id, key)
    if not key.endswith(".m3u8"):
        abort(404)
    store = services.storage()
    folder = posixpath.dirname(key)
    try:
        text = b"".join(store.open(key)).decode("utf-8")
    except (FileNotFoundError, OSError):
        abort(404)
    response = Response(
        services.presign_playlist(text, lambda name: services.signed_url(f"{folder}/{name}")),
        mimetype=services.CONTENT_TYPES[".m3u8"],
    )
    # The names inside expire; the browser revalidates (the service worker keeps segments).
    response.headers["Cache-Control"] = "private, no-cache"
    return response


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
