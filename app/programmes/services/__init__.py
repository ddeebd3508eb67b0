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
    "withdraw_erasure",
    "write_invitation_codes",
]
