"""The daily review: two minutes a day of spaced retrieval of the quick checks a leader
answered in the lessons they completed, scheduled per leader and question by FSRS."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import can_learn

from .services import (
    clock,
    count_binds,
    count_columns,
    falling_leaders,
    leader_retention,
    learn_card,
    tried_answers,
)

bp = Blueprint("review", __name__, template_folder="templates", url_prefix="/learn/review")

# Under Learn (its tab), with a card on Learn; its choices open from Me.
registry.pages_under("learning.home", "review.today", "review.show_answer")
registry.pages_under("accounts.profile", "review.settings")
registry.me_link(
    "review.settings",
    _l("Daily review"),
    _l("How many questions a day, and when to be reminded"),
    can_learn,
    order=10,
)


registry.page_card(
    "learning.home",
    "review/_learn_card.html",
    learn_card,
    order=10,
    columns=count_columns,
    binds=lambda person: count_binds(person, clock()),
)
registry.page_card(
    "coaching.show_leader",
    "review/_coach_card.html",
    lambda leader: {
        "retention": leader_retention(leader.id, clock()),
        "tried": tried_answers(leader.id),
    },
    order=10,
)
# On the coach's dashboard, the leaders whose review retention is falling (none: no card).
registry.page_card(
    "coaching.home",
    "review/_dashboard_card.html",
    lambda coach: {"leaders": found} if (found := falling_leaders(coach.id, clock())) else None,
    order=10,
)
# The leader's answers to "have you tried it?", on their growth page (none: no card).
registry.page_card(
    "learning.growth",
    "review/_growth_card.html",
    lambda person: {"tried": found} if (found := tried_answers(person.id)) else None,
    order=10,
)

from . import contributions, routes, tasks  # noqa: E402,F401  (views, registry, jobs)
