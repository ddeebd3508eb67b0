"""The dashboard's reasons, in words: each :class:`~.services.Reason` code's sentence."""

from __future__ import annotations

from flask_babel import gettext, ngettext

from app.i18n import format_when


def reason_text(reason) -> str:
    code, count, total = reason.code, reason.count, reason.total
    if code == "check_in_overdue":
        return gettext(
            "The check-in of %(date)s has not been recorded",
            date=format_when(reason.when, "day"),
        )
    if code == "no_check_in_yet":
        return gettext("No check-in yet")
    if code == "no_check_in_booked":
        return ngettext(
            "No check-in booked; the last was %(num)d day ago",
            "No check-in booked; the last was %(num)d days ago",
            count,
        )
    if code == "overdue_actions":
        return ngettext("%(num)d action overdue", "%(num)d actions overdue", count)
    if code == "never_active":
        return gettext("No activity yet")
    if code == "quiet":
        return ngettext("Quiet for %(num)d day", "Quiet for %(num)d days", count)
    if code == "no_priority":
        return gettext("No priority agreed yet")
    if code == "no_priority_progress":
        return gettext("No lessons on the priority in %(num)d days", num=count)
    if code == "quick_checks":
        return gettext(
            "Quick checks going badly: %(right)d of %(total)d right first time",
            right=count,
            total=total,
        )
    return code
