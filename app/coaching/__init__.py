"""Coaching: pairings of coach and leaders, the improvement priority they agree, check-ins
(booked, prepared, recorded), action items, shared notebook entries, reminders, and the
coach's dashboard of who needs attention."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import is_leader_or_coach

bp = Blueprint(
    "coaching", __name__, template_folder="templates", url_prefix="/coaching", cli_group="coaching"
)

# In the shell (app/registry.py): a tab for leaders and coaches; cards for coaches and admins.
registry.tab("coaching", _l("Coaching"), "coaching.home", is_leader_or_coach, order=30)
registry.home_cards("coaching/_home_cards.html", order=40)

from . import cli, contributions, models, routes, tasks  # noqa: E402,F401  (views, commands, tables, jobs, registry)
from .forms import MODE_LABELS, OWNER_LABELS, STATUS_LABELS  # noqa: E402
from .wording import reason_text  # noqa: E402


@bp.app_template_global()
def mode_label(mode: str) -> str:
    return str(MODE_LABELS.get(mode, mode))


@bp.app_template_global()
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def owner_label(owner: str) -> str:
    return str(OWNER_LABELS.get(owner, owner))


bp.add_app_template_global(reason_text, "reason_text")
