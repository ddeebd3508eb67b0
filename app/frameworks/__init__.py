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

# app.permissions imports the accounts package, whose routes import app.permissions:
# loading accounts first keeps that cycle from biting when this area is imported alone.
import app.accounts  # noqa: E402,F401,I001

from . import cli, routes  # noqa: E402,F401  (registers views and commands on bp)
