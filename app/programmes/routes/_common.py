"""What the programmes' routes share: downloads that no cache keeps."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response


def csv_download(body: str | Iterable[bytes], filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def json_download(body: str, filename: str) -> Response:
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
