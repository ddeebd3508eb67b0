"""Security headers on every response, and a Content Security Policy that allows
only our own scripts and styles."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user

# What a browser may render as a page of its own (an SVG can carry script), so what the
# policy headers protect.
DOCUMENT_TYPES = {
    "text/html",
    "image/svg+xml",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
}
# Answers that carry no body, so no document.
NO_BODY = {204, 304}


def content_security_policy() -> str:
    media = " ".join(["'self'", "blob:", *current_app.config["CSP_MEDIA_ORIGINS"]])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            f"media-src {media}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype not in DOCUMENT_TYPES or response.status_code in NO_BODY:
        # A stylesheet, a script or a video is not a document, nor is an answer with no
        # body (a position saved while a video plays, a third of a leader's requests):
        # these headers would do nothing there but cost bytes on every one a phone gets.
        return response
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html" and "Cache-Control" not in headers:
        # A signed-in person's pages hold personal data and one-time codes: nothing may keep
        # them, so that after signing out on a shared phone, Back shows nothing private.
        # Other pages are never kept in a shared cache.
        signed_in = current_user.is_authenticated
        headers["Cache-Control"] = "no-store" if signed_in else "private, no-cache"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_security_headers)
