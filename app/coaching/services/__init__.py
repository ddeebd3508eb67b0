"""Coaching's services. They take explicit arguments, never read the request, and the
function a route, command or job calls commits its own work.

``pairings`` says who coaches whom; ``priorities`` keeps a leader's improvement priority
and its history; ``checkins`` books, prepares and records check-ins; ``actions`` their
action items; ``sharing`` the notebook entries a leader shows their coach; ``records``
gathers a leader's record; ``dashboard`` ranks a coach's leaders; ``reminders`` sends
the notifications; ``calendar`` makes the .ics file. Callers use this package.
"""

from .actions import actions_at, actions_of, add_action, get_action, set_action_done
from .calendar import check_in_calendar
from .checkins import (
    TEXT_MAX_CHARS,
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
)
from .dashboard import Dashboard, LeaderRow, Reason, dashboard
from .errors import CoachingError
from .pairings import PairingsOverview, coach_of, leaders_of, pair, pairings_overview, unpair
from .priorities import PriorityFields, priority_history, priority_of, save_priority
from .records import CompetencyView, LeaderRecord, leader_record
from .reminders import Sent, send_reminders
from .sharing import (
    NotebookEntry,
    notebook,
    own_reflection,
    share_entry,
    shared_with,
    unshare_entry,
)

__all__ = [
    "TEXT_MAX_CHARS",
    "CoachingError",
    "CompetencyView",
    "LeaderRecord",
    "Dashboard",
    "LeaderRow",
    "NotebookEntry",
    "PairingsOverview",
    "PriorityFields",
    "Reason",
    "Sent",
    "actions_at",
    "actions_of",
    "add_action",
    "check_in_calendar",
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
]
