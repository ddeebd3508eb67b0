"""The tus 1.0 resumable-upload protocol (https://tus.io/protocols/resumable-upload): core,
creation, termination and expiration, spoken the same at every area's ``…/uploads/``
(:func:`serve` puts it on the area's blueprint with the area's :class:`UploadKind`).

- ``OPTIONS <prefix>/uploads/``: what this server speaks (version, extensions, max size).
- ``POST <prefix>/uploads/`` with ``Upload-Length`` and ``Upload-Metadata`` (``filename``,
  ``filetype`` and what the area needs to know what it is for: the studio's ``lesson`` and
  ``language``, a ``practice``): 201 and the new upload's ``Location``.
- ``HEAD <upload>``: ``Upload-Offset``, the bytes the server holds.
- ``PATCH <upload>`` (``application/offset+octet-stream``) at ``Upload-Offset``: appends the
  body, streamed to storage; 204 with the new offset.
- ``DELETE <upload>``: cancels it.

Only the person who started an upload sees it (another's is a 404), and only while the
area still lets them (``UploadKind.may_use``). Refusals carry their reason as text in the
person's language, which the page shows. The protocol's state lives in
``services.resumable``; this module only speaks HTTP.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user
from werkzeug.exceptions import ClientDisconnected

from app.extensions import csrf
from app.forms import csrf_token_ok
from app.permissions import requires

from ..services import resumable
from ..services.resumable import UploadError, UploadKind

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"


def _response(status: int, body: str = "", **headers) -> Response:
    response = Response(body, status=status, mimetype="text/plain")
    response.headers["Tus-Resumable"] = VERSION
    response.headers["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = str(value)
    return response


def _refused(error: UploadError) -> Response:
    return _response(error.status, error.translated())


def metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    result = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            result[key] = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            abort(_response(400, "Upload-Metadata is not base64."))
    return result


def _int_header(name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        abort(_response(400, f"{name} must be a whole number."))
    return int(value)


def _check_version() -> None:
    """The protocol's version, then (for writes) the page's CSRF token, which tus-js-client
    sends as X-CSRFToken. Checked here rather than by CSRFProtect before the request, which
    would read the body under the 8 MB limit for forms."""
    if request.headers.get("Tus-Resumable") != VERSION:
        abort(_response(412, "", Tus_Version=VERSION))
    if request.method in ("POST", "PATCH", "DELETE") and not csrf_token_ok(
        request.headers.get("X-CSRFToken")
    ):
        abort(_response(403, "The page is out of date: reload it."))


def _expires(upload) -> str:
    return upload.expires_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def serve(bp: Blueprint, kind: UploadKind, allowed: Callable, url: str = "/uploads/") -> None:
    """The protocol at ``url`` under ``bp``, for ``kind``'s uploads, to people ``allowed``
    (a named predicate of one person). Endpoints: ``<bp>.upload_options``,
    ``create_upload``, ``upload`` (HEAD), ``append_to_upload``, ``terminate_upload``."""

    def _upload_or_404(upload_id: str):
        upload = resumable.find_upload(kind, current_user, upload_id)
        if upload is None or not kind.may_use(current_user, upload):
            abort(_response(404, ""))
        return upload

    @bp.route(url, methods=["OPTIONS"])
    def upload_options():
        return _response(
            204, Tus_Version=VERSION, Tus_Extension=EXTENSIONS, Tus_Max_Size=kind.max_bytes()
        )

    @bp.post(url)
    @requires(allowed)
    def create_upload():
        _check_version()
        length = _int_header("Upload-Length")
        if length is None:
            return _response(
                400, "Upload-Length is required (Upload-Defer-Length is not supported)."
            )
        meta = metadata(request.headers.get("Upload-Metadata", ""))
        try:
            target = kind.target(current_user, meta)
            if target is None:
                abort(404)
            upload = resumable.create_upload(
                kind,
                current_user,
                target,
                length,
                meta.get("filename", ""),
                meta.get("filetype", ""),
            )
        except UploadError as error:
            return _refused(error)
        return _response(
            201,
            Location=url_for(f"{bp.name}.upload", upload_id=upload.id, _external=False),
            Upload_Expires=_expires(upload),
            Upload_Offset=0,
        )

    @bp.route(f"{url}<upload_id>", methods=["HEAD", "GET"])
    @requires(allowed)
    def upload(upload_id: str):
        _check_version()
        upload = _upload_or_404(upload_id)
        if resumable.is_expired(upload):
            return _response(410)
        return _response(
            200,
            Upload_Offset=upload.offset,
            Upload_Length=upload.length,
            Upload_Expires=_expires(upload),
        )

    @bp.route(f"{url}<upload_id>", methods=["PATCH"])
    @requires(allowed)
    def append_to_upload(upload_id: str):
        request.max_content_length = None  # the upload's own limit applies (see services)
        _check_version()
        if request.mimetype != OFFSET_CONTENT_TYPE:
            return _response(415, f"Content-Type must be {OFFSET_CONTENT_TYPE}.")
        offset = _int_header("Upload-Offset")
        if offset is None:
            return _response(400, "Upload-Offset is required.")
        upload = _upload_or_404(upload_id)
        try:
            upload = resumable.append(kind, upload, offset, request.stream, request.content_length)
        except UploadError as error:
            return _refused(error)
        except ClientDisconnected:
            return _response(400, "The connection dropped; resume from HEAD.")
        return _response(204, Upload_Offset=upload.offset, Upload_Expires=_expires(upload))

    @bp.route(f"{url}<upload_id>", methods=["DELETE"])
    @requires(allowed)
    def terminate_upload(upload_id: str):
        _check_version()
        resumable.terminate(kind, _upload_or_404(upload_id))
        return _response(204)

    for view in (create_upload, append_to_upload, terminate_upload):
        csrf.exempt(view)  # checked in _check_version, after the body's limit is raised
