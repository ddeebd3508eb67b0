"""The bottom navigation: the tabs the areas registered (``app/registry.py``) that the
person's roles open to them, in the areas' order; and the other parts of the layout the
areas put there (``registry.shell_part``, ``registry.body_data``).

A tab appears once its area is registered and the person may use it, so areas can
arrive one at a time without touching the layout.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from app import registry


def is_current(tab: registry.Tab) -> bool:
    """The tab a page sits under: the one an area put it under, else the one naming it,
    else its blueprint's."""
    under = registry.PAGES_UNDER.get(request.endpoint)
    if under is not None:
        return under == tab.endpoint
    if tab.current_on:
        return request.endpoint in tab.current_on
    return request.blueprint == tab.endpoint.split(".")[0]


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {"key": tab.key, "label": tab.label, "url": url, "current": is_current(tab)}
        for tab, url in _tabs(frozenset(current_user.roles))
    ]


def _tabs(roles: frozenset[str]) -> tuple:
    """The tabs of someone with these roles, with their URLs: the same for everyone with the
    same roles (each tab's ``allowed`` asks only for roles), so found once per process and
    mount point rather than on every page."""
    known = current_app.extensions.setdefault("navigation_tabs", {})
    key = (request.script_root, roles)
    if key not in known:
        known[key] = tuple(
            (tab, url_for(tab.endpoint))
            for tab in registry.tabs()
            if tab.endpoint in current_app.view_functions and tab.allowed(current_user)
        )
    return known[key]


def context() -> dict:
    return {
        "nav_items": nav_items,
        "shell_parts": registry.shell_templates,
        "body_data": registry.body_data_values,
    }
