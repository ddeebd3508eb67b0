"""The tus 1.0 resumable-upload protocol at ``/studio/uploads/``: core, creation,
termination and expiration (https://tus.io/protocols/resumable-upload).

- ``OPTIONS /studio/uploads/``: what this server speaks (version, extensions, max size).
- ``POST /studio/uploads/`` with ``Upload-Length`` and ``Upload-Metadata`` (``filename``,
  ``filetype``, ``lesson``, ``language``): 201 and the new upload's ``Location``.
- ``HEAD <upload>``: ``Upload-Offset``, the bytes the server holds.
- ``PATCH <upload>`` (``application/offset+octet-stream``) at ``Upload-Offset``: appends the
  body, streamed to storage; 204 with the new offset.
- ``DELETE <upload>``: cancels it.

Only the author who started an upload sees it (another's is a 404). Refusals carry their
reason as text in the author's language, which the studio page shows. The protocol's
state lives in ``services.uploads``; this module only speaks HTTP.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC

from flask import Response, abort, current_app, request, url_for
from flask_login import current_user
from werkzeug.exceptions import ClientDisconnected

from app.extensions import csrf
from app.forms import csrf_token_ok
from app.permissions import can_author, requires

from .. import bp, services
from ..permissions import can_edit_course

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


def _refused(error: services.UploadError) -> Response:
    return _response(error.status, error.translated())


def _metadata(header: str) -> dict[str, str]:
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


@bp.route("/uploads/", methods=["OPTIONS"])
def upload_options():
    return _response(
        204,
        Tus_Version=VERSION,
        Tus_Extension=EXTENSIONS,
        Tus_Max_Size=current_app.config["STUDIO_UPLOAD_MAX_BYTES"],
    )


@bp.post("/uploads/")
@requires(can_author)
def create_upload():
    _check_version()
    length = _int_header("Upload-Length")
    if length is None:
        return _response(400, "Upload-Length is required (Upload-Defer-Length is not supported).")
    meta = _metadata(request.headers.get("Upload-Metadata", ""))
    lesson_id = meta.get("lesson", "")
    lesson = services.get_lesson(int(lesson_id)) if lesson_id.isdigit() else None
    if lesson is None or not can_edit_course(current_user, lesson.course):
        abort(404)
    language = meta.get("language") or lesson.course.language
    if language not in lesson.languages and language not in current_app.config["LANGUAGES"]:
        abort(_response(400, "Unknown language."))
    try:
        upload = services.create_upload(
            current_user,
            lesson,
            language,
            length,
            meta.get("filename", ""),
            meta.get("filetype", ""),
        )
    except services.UploadError as error:
        return _refused(error)
    return _response(
        201,
        Location=url_for("studio.upload", upload_id=upload.id, _external=False),
        Upload_Expires=_expires(upload),
        Upload_Offset=0,
    )


def _upload_or_404(upload_id: str):
    """The signed-in author's own upload, into a lesson they may still edit."""
    upload = services.find_upload(current_user, upload_id)
    if upload is None or not can_edit_course(current_user, upload.lesson.course):
        abort(_response(404, ""))
    return upload


@bp.route("/uploads/<upload_id>", methods=["HEAD", "GET"])
@requires(can_author)
def upload(upload_id: str):
    _check_version()
    upload = _upload_or_404(upload_id)
    if services.is_expired(upload):
        return _response(410)
    return _response(
        200,
        Upload_Offset=upload.offset,
        Upload_Length=upload.length,
        Upload_Expires=_expires(upload),
    )


@bp.route("/uploads/<upload_id>", methods=["PATCH"])
@requires(can_author)
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
        upload = services.append(upload, offset, request.stream, request.content_length)
    except services.UploadError as error:
        return _refused(error)
    except ClientDisconnected:
        return _response(400, "The connection dropped; resume from HEAD.")
    return _response(204, Upload_Offset=upload.offset, Upload_Expires=_expires(upload))


@bp.route("/uploads/<upload_id>", methods=["DELETE"])
@requires(can_author)
def terminate_upload(upload_id: str):
    _check_version()
    services.terminate(_upload_or_404(upload_id))
    return _response(204)


for _view in (create_upload, append_to_upload, terminate_upload):
    csrf.exempt(_view)  # checked in _check_version, after the body's limit is raised
