"""The shell around every area: the home page, the error pages, and plain words for a
command run before the tables exist. It imports no area: they add themselves through
`app/registry.py`."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import can_learn

bp = Blueprint("core", __name__, template_folder="templates")

# Everyone's first tab is Home, but for those who learn, whose first tab is Learn.
registry.tab("learn", _l("Home"), "core.home", lambda user: not can_learn(user), order=11)

from . import cli, routes  # noqa: E402,F401
