"""Offline: the service worker, the web app manifest and the Downloads page.

What a phone keeps lives in the browser (the Cache API, ``static/js/sw.js``), not on the
server: the server only serves the worker and a page that lists what the browser holds.
"""

from flask import Blueprint

bp = Blueprint("offline", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
