"""The shell around every area: the home page, the error pages, and plain words for a
command run before the tables exist. It imports no area: they add themselves through
`app/registry.py`."""

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates")

from . import cli, routes  # noqa: E402,F401
