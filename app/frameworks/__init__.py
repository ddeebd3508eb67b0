"""Competency frameworks: domains, competencies and levels that lessons, priorities
and self-assessments point at. Admins browse and edit them; files import and export them."""

from flask import Blueprint

bp = Blueprint(
    "frameworks",
    __name__,
    template_folder="templates",
    url_prefix="/frameworks",
    cli_group="frameworks",
)

from . import cli, routes  # noqa: E402,F401  (registers views and commands on bp)
