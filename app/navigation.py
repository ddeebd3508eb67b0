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
    allowed: Callable


def _signed_in(user) -> bool:
    return user.is_authenticated


ITEMS = (
    # Leaders learn; everyone else's first tab is the home page.
    NavItem("learn", _l("Learn"), ("learning.home",), permissions.can_learn),
    NavItem(
        "learn",
        _l("Home"),
        ("core.home",),
        lambda u: u.is_authenticated and not permissions.can_learn(u),
    ),
    NavItem("groups", _l("Groups"), ("groups.home",), permissions.can_learn),
    NavItem(
        "coaching",
        _l("Coaching"),
        ("coaching.home",),
        lambda u: permissions.can_learn(u) or permissions.can_coach(u),
    ),
    NavItem("me", _l("Me"), ("accounts.profile",), _signed_in),
)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for item in ITEMS:
        endpoint = next((e for e in item.endpoints if e in current_app.view_functions), None)
        if endpoint and item.allowed(current_user):
            blueprint = endpoint.split(".")[0]
            items.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "url": url_for(endpoint),
                    "current": request.blueprint == blueprint or request.endpoint == endpoint,
                }
            )
    return items


def context() -> dict:
    return {"nav_items": nav_items}
