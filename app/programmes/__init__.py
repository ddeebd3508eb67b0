"""Programmes: cohorts, bulk invitations, evidence of impact, and people's data."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry

from .permissions import can_run_programmes

bp = Blueprint(
    "programmes",
    __name__,
    template_folder="templates",
    url_prefix="/programme",
    cli_group="programmes",
)

# In the shell (app/registry.py): the admins' tab and card. What it offers for one person
# (their data, erasure, a cohort) is reached from that person's page, so under People.
registry.tab("programme", _l("Programme"), "programmes.home", can_run_programmes, order=60)
registry.pages_under(
    "accounts.list_people",
    "programmes.person_data",
    "programmes.download_person_data",
    "programmes.erase_person",
    "programmes.add_to_cohort",
)
registry.home_cards("programmes/_home_cards.html", order=50)

from . import contributions, routes, tasks  # noqa: E402,F401  (views, registry, jobs)

#: How the audit log names each action (``app.audit.record``); unknown ones show their key.
AUDIT_ACTIONS = {
    "invite": _l("Invited someone"),
    "invitation_reissued": _l("Sent a new invitation code"),
    "reset_code": _l("Issued a password reset code"),
    "role_change": _l("Changed roles or access"),
    "bulk_invite": _l("Invited leaders from a file"),
    "invitation_codes_export": _l("Downloaded invitation codes"),
    "refused_rows_export": _l("Downloaded the refused rows of an import"),
    "programme_create": _l("Created a programme"),
    "programme_change": _l("Changed a programme"),
    "cohort_create": _l("Created a cohort"),
    "cohort_change": _l("Changed a cohort"),
    "cohort_add": _l("Added a leader to a cohort"),
    "cohort_remove": _l("Took a leader out of a cohort"),
    "report_export": _l("Exported a report"),
    "records_export": _l("Exported records for researchers"),
    "audit_export": _l("Exported the audit log"),
    "erasure": _l("Erased a person's data"),
    "personal_data_export": _l("Downloaded a person's data for them"),
    "pairing": _l("Paired a coach with a leader"),
    "unpairing": _l("Ended a coaching pairing"),
}


@bp.app_template_filter("audit_action")
def audit_action(key: str) -> str:
    return str(AUDIT_ACTIONS.get(key, key))
