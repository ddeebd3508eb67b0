"""Accounts: people, roles, signing in, invitations and profiles."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry

from .permissions import can_manage_people

bp = Blueprint("accounts", __name__, template_folder="templates", cli_group="users")

# In the shell (app/registry.py): People for admins, Me for everyone, always last; and
# their cards on the home page, after every other area's.
PEOPLE_PAGES = (
    "accounts.list_people",
    "accounts.invite_person",
    "accounts.edit_person",
    "accounts.issue_reset_code",
)
registry.tab(
    "people",
    _l("People"),
    "accounts.list_people",
    can_manage_people,
    order=40,
    current_on=PEOPLE_PAGES,
)
registry.tab(
    "me",
    _l("Me"),
    "accounts.profile",
    lambda user: user.is_authenticated,
    order=90,
    current_on=("accounts.profile",),
)
registry.home_cards("accounts/_home_cards.html", order=90)
# The language buttons at the foot of every page for someone not signed in (who has no
# profile to choose one in).
registry.shell_part("footer", "accounts/_languages.html", order=10)

from . import cli, routes  # noqa: E402,F401  (registers views and commands on bp)
from .forms import DATA_RUNG_LABELS, ROLE_LABELS  # noqa: E402


@bp.app_template_global()
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


@bp.app_template_global()
def data_rung_label(name: str) -> str:
    return str(DATA_RUNG_LABELS.get(name, name))
