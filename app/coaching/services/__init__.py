"""Coaching's services. They take explicit arguments, never read the request, and the
function a route, command or job calls commits its own work.

``pairings`` says who coaches whom; ``priorities`` keeps a leader's improvement priority
and its history; ``checkins`` books, prepares and records check-ins; ``rescheduling``
moves and cancels them, by either side; ``actions`` their action items; ``sharing`` the
notebook entries a leader shows their coach; ``records`` gathers a leader's record;
``dashboard`` ranks a coach's leaders; ``reminders`` sends the notifications;
``calendar`` makes the .ics file. Callers use this package.
"""

from ._common import CoachingError
from .actions import (
    actions_at,
    actions_of,
    add_action,
    add_leader_action,
    get_action,
    set_action_done,
)
from .calendar import check_in_calendar
from .check_in_page import CheckInPage, check_in_page
from .checkins import (
    TEXT_MAX_CHARS,
    check_in_start,
    check_ins_of,
    get_check_in,
    latest_coach_ratings,
    local_to_utc,
    private_note,
    ratings_at,
    save_notes,
    save_preparation,
    save_ratings,
    schedule_check_in,
    zone_of,
)
from .dashboard import Dashboard, LeaderRow, Reason, dashboard
from .pairings import PairingsOverview, coach_of, leaders_of, pair, pairings_overview, unpair
from .priorities import (
    PriorityFields,
    RatingScale,
    priority_history,
    priority_of,
    rating_scale,
    save_priority,
)
from .records import CompetencyView, LeaderRecord, leader_record
from .reminders import Sent, send_reminders
from .rescheduling import (
    CHANGE_KINDS,
    REASON_MAX_CHARS,
    cancel_check_in,
    reschedule_check_in,
)
from .sharing import (
    NotebookEntry,
    notebook,
    own_reflection,
    share_entry,
    shared_with,
    unshare_entry,
)

__all__ = [
    "CHANGE_KINDS",
    "REASON_MAX_CHARS",
    "TEXT_MAX_CHARS",
    "CheckInPage",
    "CoachingError",
    "CompetencyView",
    "LeaderRecord",
    "Dashboard",
    "LeaderRow",
    "NotebookEntry",
    "PairingsOverview",
    "PriorityFields",
    "RatingScale",
    "Reason",
    "Sent",
    "actions_at",
    "actions_of",
    "add_action",
    "add_leader_action",
    "cancel_check_in",
    "check_in_calendar",
    "check_in_page",
    "check_in_start",
    "check_ins_of",
    "coach_of",
    "dashboard",
    "get_action",
    "get_check_in",
    "latest_coach_ratings",
    "leader_record",
    "leaders_of",
    "local_to_utc",
    "notebook",
    "own_reflection",
    "pair",
    "pairings_overview",
    "priority_history",
    "priority_of",
    "private_note",
    "reschedule_check_in",
    "rating_scale",
    "ratings_at",
    "save_notes",
    "save_preparation",
    "save_priority",
    "save_ratings",
    "schedule_check_in",
    "send_reminders",
    "set_action_done",
    "share_entry",
    "shared_with",
    "unpair",
    "unshare_entry",
    "zone_of",
]
