"""The shell around every area: home, error pages and demo data."""

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates", cli_group="demo")

from . import cli, routes  # noqa: E402,F401
