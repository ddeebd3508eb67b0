"""The service worker at the site's root (its scope is every page), the manifest, Downloads."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.assets import assets
from app.htmx import render
from app.permissions import can_learn, requires
from app.sessions import same_for_everyone

from . import bp

SERVICE_WORKER = Path(__file__).resolve().parents[1] / "static" / "js" / "sw.js"


@bp.get("/sw.js")
@same_for_everyone
def service_worker():
    """The worker, revalidated on every check so a new version reaches phones at once (it
    is small, and a 304 costs a few hundred bytes)."""
    response = Response(SERVICE_WORKER.read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/manifest.webmanifest")
@same_for_everyone
def web_manifest():
    """Lets a leader add Headway to the home screen; it opens on Learn."""
    manifest = {
        "name": "Headway",
        "short_name": "Headway",
        "start_url": url_for("learning.home"),
        "scope": url_for("core.home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d4b",
        "description": _("Short lessons for school leaders"),
        # What Android needs to offer "Install": a 192 and a 512 pixel icon; the white H
        # sits inside the maskable safe zone, so the launcher may crop it to any shape.
        "icons": [
            {
                "src": assets.url(f"icons/headway-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for size in (192, 512)
            for purpose in ("any", "maskable")
        ],
    }
    response = current_app.json.response(manifest)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/downloads")
@requires(can_learn)
def downloads():
    """The lessons this phone keeps for offline, with their sizes (read from the browser's
    cache by player.js), and a button to free each one's space."""
    return render("offline/downloads.html")


@bp.get("/offline")
@login_required
def fallback():
    """What the service worker shows for a page it does not hold when there is no
    connection (it keeps this page, in the person's language, when it installs): for every
    role, since the worker installs for everyone signed in."""
    return render("offline/offline.html")
