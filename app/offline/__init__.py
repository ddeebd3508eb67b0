"""Offline: the service worker, the web app manifest and the Downloads page.

What a phone keeps lives in the browser (the Cache API, ``static/js/sw.js``), not on the
server: the server only serves the worker and a page that lists what the browser holds.
"""

from flask import Blueprint, url_for
from flask_login import current_user

from app import registry

bp = Blueprint("offline", __name__, template_folder="templates")

# In the shell (app/registry.py): every page names the web app manifest, and a signed-in
# person's tells the page's script where the service worker is (``<body data-sw>``).
registry.shell_part("head", "offline/_manifest_link.html", order=10)
registry.body_data(
    "sw", lambda: url_for("offline.service_worker") if current_user.is_authenticated else None
)

from . import routes  # noqa: E402,F401
