"""What the programmes' routes share: downloads that no cache keeps, and a service's
refusal put on its form."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response

from .. import services


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


def field_error(form, error: services.ProgrammeError) -> None:
    target = getattr(form, error.field or "", None)
    (target.errors if target is not None else form.form_errors).append(error.translated())
