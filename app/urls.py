"""Links that leave the app, in an SMS, an email or a terminal: absolute, built from the
configured ``PUBLIC_URL`` and never from the request. A request's Host header is whatever
the sender wrote, so a link built from it could send an invitee, and their one-time
token, to someone else's site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL under ``PUBLIC_URL``; works in a
    request, a command or a job alike."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
