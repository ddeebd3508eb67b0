"""Coaching's words that are not a template's: each dashboard :class:`~.services.Reason`
code's sentence, and what a check-in's calendar file says."""

from __future__ import annotations

from flask_babel import gettext, ngettext

from app.i18n import format_when

from .forms import MODE_LABELS


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


def calendar_words(check_in, reader, page: str) -> tuple[str, str]:
    """The calendar file's summary and description, for ``reader``, in their language."""
    other = check_in.coach if check_in.leader_id == reader.id else check_in.leader
    if check_in.cancelled:
        summary = gettext("Cancelled: coaching check-in with %(name)s", name=other.display_name)
    else:
        summary = gettext("Coaching check-in with %(name)s", name=other.display_name)
    description = f"{MODE_LABELS.get(check_in.mode, check_in.mode)} · {page}"
    if check_in.cancel_reason:
        description = f"{gettext('Why: %(reason)s', reason=check_in.cancel_reason)}\n{description}"
    return summary, description
