"""How fast one person may post: threads and replies (``GROUPS_POST_LIMIT``) and, among
them, photos (``GROUPS_PHOTO_LIMIT``, each one re-encoded on the server), counted per
person in the rate limiter's storage (memory on one process, Redis when several share it,
as the sign-in limits, ``app/accounts/limits.py``).

Only posts that were stored count: a refused form, or a retry that finds the post its key
already stored, costs nothing. A person over the limit gets their form back, everything
typed still in it, with a 429 that says to wait; the limits are far above what anyone
writing by hand reaches, and stop a script or a stuck key filling a group.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse_many

from app.errors import N_
from app.extensions import limiter

from .services import GroupError


class PostingTooFast(GroupError):
    """Shown at the top of the form, answered 429."""


def check(user, photo: bool) -> None:
    """Raise :class:`PostingTooFast` if ``user`` may not post (a photo) now."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    if not all(limiter.limiter.test(item, *key) for item, key in _counted(user, photo)):
        raise PostingTooFast(
            N_(
                "You are posting faster than Headway allows. Wait a minute, then send "
                "again: what you wrote is still here."
            )
        )


def count(user, photo: bool) -> None:
    """``user`` has just stored a post (with a photo)."""
    if current_app.config["RATELIMIT_ENABLED"]:
        for item, key in _counted(user, photo):
            limiter.limiter.hit(item, *key)


def _counted(user, photo: bool) -> list[tuple[RateLimitItem, tuple[str, str]]]:
    config = current_app.config
    person = str(user.id)
    items = [(item, ("groups-post", person)) for item in parse_many(config["GROUPS_POST_LIMIT"])]
    if photo:
        photos = parse_many(config["GROUPS_PHOTO_LIMIT"])
        items += [(item, ("groups-photo", person)) for item in photos]
    return items
