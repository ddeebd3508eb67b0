"""In-app notifications: what happened that a person should know about, with an unread badge.

Other areas say what happened with :func:`services.notify` (a building block that joins their
own transaction) and register the wording of each kind once with :func:`services.kind`.
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates", url_prefix="/notifications")

from . import routes  # noqa: E402,F401
