"""Everything a check-in's page shows, gathered in one call (as groups' ``thread_page``)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.accounts.models import User

from ..models import ActionItem, CheckIn, ImprovementPriority
from .actions import actions_at
from .checkins import private_note, ratings_at, zone_of
from .priorities import RatingScale, rating_scale


@dataclass
class CheckInPage:
    check_in: CheckIn
    scale: RatingScale
    coach_levels: dict[int, int]  # the coach's ratings at this check-in
    actions: list[ActionItem]
    private_note: str | None  # None: not the viewer's to read
    zone: ZoneInfo  # the viewer's, to show and move the check-in in

    @property
    def priority(self) -> ImprovementPriority | None:
        return self.scale.priority


def check_in_page(check_in: CheckIn, viewer: User, *, show_private: bool) -> CheckInPage:
    """What ``viewer`` sees on ``check_in``'s page; the private note only when
    ``show_private`` (the caller checks ``can_see_private_notes``)."""
    return CheckInPage(
        check_in=check_in,
        scale=rating_scale(check_in.leader),
        coach_levels=ratings_at(check_in),
        actions=actions_at(check_in),
        private_note=private_note(check_in) if show_private else None,
        zone=zone_of(viewer),
    )
