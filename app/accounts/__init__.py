"""Accounts: people, roles, signing in, invitations and profiles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates", cli_group="users")

from . import cli, routes  # noqa: E402,F401  (registers views and commands on bp)
from .forms import DATA_RUNG_LABELS, ROLE_LABELS  # noqa: E402


@bp.app_template_global()
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


@bp.app_template_global()
def data_rung_label(name: str) -> str:
    return str(DATA_RUNG_LABELS.get(name, name))
