"""In-app notifications: what happened that a person should know about, with an unread badge.

Other areas say what happened with :func:`services.notify` (a building block that joins their
own transaction) and register the wording of each kind once with :func:`services.kind`.
"""

from flask import Blueprint

from app import registry

bp = Blueprint("notifications", __name__, template_folder="templates", url_prefix="/notifications")

# In the shell (app/registry.py): the bell with the unread count, in every page's top bar.
registry.shell_part("bar", "notifications/_bell.html", order=10)

from . import routes  # noqa: E402,F401
