"""Bright spots: leaders codify what works in their school as a practice, their coach
reviews it, and peers find it by competency, priority, language and words, try it as a
coaching action and say how it went."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import is_leader_or_coach

bp = Blueprint("practices", __name__, template_folder="templates", url_prefix="/practices")

# In the shell (app/registry.py): a tab for leaders and coaches; cards on the home page.
registry.tab("practices", _l("Practices"), "practices.home", is_leader_or_coach, order=35)
registry.home_cards("practices/_home_cards.html", order=45)

from . import contributions, models, routes, tasks  # noqa: E402,F401  (views, registry, jobs)
from .forms import OUTCOME_LABELS, STATUS_LABELS  # noqa: E402
from .services import author_name  # noqa: E402


@bp.app_template_global()
def practice_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


bp.add_app_template_global(author_name, "practice_author")
