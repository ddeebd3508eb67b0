"""Programme services, by topic; routes and commands import them from here."""

from .aggregates import (
    ReportView,
    ask_for_refresh,
    mark_changed,
    records_download,
    refresh_reports,
    report_view,
    sweep_reports,
)
from .cohorts import (
    add_member,
    cohort_members,
    regions,
    remove_member,
    save_cohort,
    save_programme,
)
from .common import ProgrammeError, csv_text, neutralise, phone_cell
from .import_jobs import run_import, write_invitation_codes
from .imports import ImportPlan, read_leaders_csv
from .invitations import (
    confirm_import,
    import_cohorts,
    import_error,
    invitation_codes_file,
    prepare_import,
    request_new_codes,
)
from .privacy import (
    complete_erasure,
    erasure_request,
    pending_erasures,
    personal_data,
    personal_data_csv,
    personal_data_json,
    request_erasure,
    withdraw_erasure,
)
from .records import audit_csv, audit_entries, pseudonym, records_csv, report_csv
from .reports import Report, Scope, build_report
from .research import research_profile, save_research_profile

__all__ = [
    "ImportPlan",
    "ProgrammeError",
    "Report",
    "ReportView",
    "Scope",
    "ask_for_refresh",
    "mark_changed",
    "records_download",
    "refresh_reports",
    "report_view",
    "sweep_reports",
    "audit_csv",
    "audit_entries",
    "build_report",
    "cohort_members",
    "complete_erasure",
    "confirm_import",
    "csv_text",
    "erasure_request",
    "import_cohorts",
    "import_error",
    "invitation_codes_file",
    "neutralise",
    "pending_erasures",
    "prepare_import",
    "personal_data",
    "phone_cell",
    "personal_data_csv",
    "personal_data_json",
    "pseudonym",
    "read_leaders_csv",
    "records_csv",
    "regions",
    "remove_member",
    "add_member",
    "request_new_codes",
    "run_import",
    "report_csv",
    "request_erasure",
    "research_profile",
    "save_cohort",
    "save_programme",
    "save_research_profile",
    "withdraw_erasure",
    "write_invitation_codes",
]
