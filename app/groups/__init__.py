"""Peer groups: discussion threads between school leaders that work on a flaky phone link.

Admins create groups and manage members; coaches moderate the groups they are made
moderators of; members read, post, reply, quote, mention and report.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import is_leader_or_coach

bp = Blueprint(
    "groups", __name__, template_folder="templates", url_prefix="/groups", cli_group="groups"
)

# In the shell (app/registry.py): a tab for leaders and coaches, a card for admins.
registry.tab("groups", _l("Groups"), "groups.home", is_leader_or_coach, order=20)
registry.home_cards("groups/_home_cards.html", order=30)

from . import cli, contributions, models, routes, tasks  # noqa: E402,F401  (views, commands, registry, jobs)
from .services.markup import excerpt  # noqa: E402

MODERATION_LABELS = {
    "hide": _l("Post hidden"),
    "restore": _l("Post restored"),
    "lock": _l("Thread locked"),
    "unlock": _l("Thread unlocked"),
    "pin": _l("Thread pinned"),
    "unpin": _l("Thread unpinned"),
}

bp.add_app_template_filter(excerpt, "excerpt")


@bp.app_template_filter("initials")
def initials(name: str | None) -> str:
    """An avatar costs no image: the first letters of the first two words of a name."""
    words = (name or "?").split()
    return "".join(word[0] for word in words[:2]).upper()


@bp.app_template_global()
def moderation_label(action: str) -> str:
    return str(MODERATION_LABELS.get(action, action))
