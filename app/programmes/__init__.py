"""Programmes: cohorts, bulk invitations, evidence of impact, and people's data."""

from flask import Blueprint

bp = Blueprint(
    "programmes",
    __name__,
    template_folder="templates",
    url_prefix="/programme",
    cli_group="programmes",
)

from . import contributions, me, routes  # noqa: E402,F401  (views and the registry)
