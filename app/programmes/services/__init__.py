"""Programme services, by topic; routes and commands import them from here."""

from .cohorts import (
    add_member,
    add_person,
    cohort_choices,
    cohort_members,
    person_cohorts,
    regions,
    remove_member,
    save_cohort,
    save_programme,
)
from .common import ProgrammeError, csv_text, neutralise, phone_cell
from .import_checks import check_upload
from .import_jobs import run_import, write_invitation_codes
from .import_sweep import drop_expired_drafts, sweep_stalled_imports
from .imports import ImportPlan, read_leaders_csv, read_leaders_text
from .invitations import (
    check_problems,
    confirm_import,
    import_cohorts,
    import_error,
    invitation_codes_file,
    refused_rows_file,
    request_new_codes,
    upload_import,
)
from .privacy import (
    CHANNELS,
    complete_erasure,
    erase_for,
    erasure_refusal,
    erasure_request,
    export_for,
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
    "CHANNELS",
    "ImportPlan",
    "ProgrammeError",
    "Report",
    "Scope",
    "audit_csv",
    "audit_entries",
    "build_report",
    "check_problems",
    "check_upload",
    "cohort_members",
    "complete_erasure",
    "confirm_import",
    "csv_text",
    "drop_expired_drafts",
    "erasure_request",
    "import_cohorts",
    "import_error",
    "invitation_codes_file",
    "neutralise",
    "pending_erasures",
    "personal_data",
    "phone_cell",
    "personal_data_csv",
    "personal_data_json",
    "pseudonym",
    "read_leaders_csv",
    "read_leaders_text",
    "refused_rows_file",
    "records_csv",
    "regions",
    "remove_member",
    "add_member",
    "add_person",
    "cohort_choices",
    "erase_for",
    "erasure_refusal",
    "export_for",
    "person_cohorts",
    "request_new_codes",
    "run_import",
    "report_csv",
    "request_erasure",
    "research_profile",
    "save_cohort",
    "save_programme",
    "save_research_profile",
    "sweep_stalled_imports",
    "upload_import",
    "withdraw_erasure",
    "write_invitation_codes",
]
