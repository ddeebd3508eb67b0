"""The bottom navigation: the areas a person's roles open to them.

An item appears once its area is registered and the person may use it, so areas
can arrive one at a time without touching the layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import permissions


@dataclass(frozen=True)
class NavItem:
    key: str
    label: object
    endpoints: tuple[str, ...]  # the first one registered is used
    allowed: Callable  # of the person's roles alone (see ``_tabs``)
    # The pages on which this tab is the current one: its blueprint's, unless another tab
    # shares the blueprint, when they are named.
    current_on: tuple[str, ...] = ()
    # Pages of its blueprint that belong under another tab.
    not_on: tuple[str, ...] = ()

    def is_current(self, endpoint: str) -> bool:
        if request.endpoint in self.not_on:
            return False
        if self.current_on:
            return request.endpoint in self.current_on
        return request.blueprint == endpoint.split(".")[0]


def _signed_in(user) -> bool:
    return user.is_authenticated


def _in_the_programme(user) -> bool:
    """Leaders and coaches: the people groups and coaching are for."""
    return permissions.can_learn(user) or permissions.can_coach(user)


# What the programme area offers an admin for one person (their data, erasure): reached from
# that person's page, so under People.
PERSON_PAGES = (
    "programmes.person_data",
    "programmes.download_person_data",
    "programmes.erase_person",
    "programmes.add_to_cohort",
)

ITEMS = (
    # Leaders learn; everyone else's first tab is the home page.
    NavItem("learn", _l("Learn"), ("learning.home",), permissions.can_learn),
    NavItem(
        "learn",
        _l("Home"),
        ("core.home",),
        lambda u: u.is_authenticated and not permissions.can_learn(u),
    ),
    # At most five tabs for anyone: what an admin manages besides people and programmes
    # (frameworks, groups, coaching pairs) is a card on the home page.
    NavItem("groups", _l("Groups"), ("groups.home",), _in_the_programme),
    NavItem("coaching", _l("Coaching"), ("coaching.home",), _in_the_programme),
    NavItem(
        "people",
        _l("People"),
        ("accounts.list_people",),
        permissions.can_manage_people,
        current_on=(
            "accounts.list_people",
            "accounts.invite_person",
            "accounts.edit_person",
            "accounts.issue_reset_code",
            *PERSON_PAGES,
        ),
    ),
    NavItem("studio", _l("Studio"), ("studio.home",), permissions.can_author),
    NavItem(
        "programme",
        _l("Programme"),
        ("programmes.home",),
        permissions.can_run_programmes,
        not_on=PERSON_PAGES,
    ),
    NavItem("me", _l("Me"), ("accounts.profile",), _signed_in, current_on=("accounts.profile",)),
)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {
            "key": item.key,
            "label": item.label,
            "url": url,
            "current": item.is_current(endpoint),
        }
        for item, endpoint, url in _tabs(frozenset(current_user.roles))
    ]


def _tabs(roles: frozenset[str]) -> tuple:
    """The tabs of someone with these roles, with their URLs: the same for everyone with the
    same roles (each item's ``allowed`` asks only for roles), so found once per process and
    mount point rather than on every page."""
    known = current_app.extensions.setdefault("navigation_tabs", {})
    key = (request.script_root, roles)
    if key not in known:
        tabs = []
        for item in ITEMS:
            endpoint = next((e for e in item.endpoints if e in current_app.view_functions), None)
            if endpoint and item.allowed(current_user):
                tabs.append((item, endpoint, url_for(endpoint)))
        known[key] = tuple(tabs)
    return known[key]


def context() -> dict:
    return {"nav_items": nav_items}
