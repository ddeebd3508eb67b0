"""The admin's programme pages: programmes, cohorts, bulk invitations, reports, exports,
the audit log and erasures. Every page is for programme admins only."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.forms import status_of
from app.frameworks import services as frameworks
from app.htmx import is_fragment_request, render, see_other
from app.i18n import current_language, format_when
from app.permissions import requires
from app.urls import id_arg

from .. import bp, services
from ..forms import (
    AddMemberForm,
    CohortForm,
    ConfirmImportForm,
    ImportForm,
    NewCohortForm,
    NewProgrammeForm,
    ProgrammeForm,
)
from ..models import Cohort, ImportBatch, ImportStatus, Programme
from ..permissions import can_run_programmes
from ..services.charts import growth_bars, weekly_line
from ._common import csv_download

AUDIT_PAGE = 50


def _programme(programme_id: int) -> Programme:
    return services.get_programme(programme_id) or abort(404)


def _cohort(programme: Programme, cohort_id: int) -> Cohort:
    cohort = services.get_cohort(cohort_id)
    if cohort is None or cohort.programme_id != programme.id:
        abort(404)
    return cohort


@bp.get("/")
@requires(can_run_programmes)
def home():
    programmes = services.list_programmes()
    waiting = len(services.pending_erasures())
    return render("programmes/home.html", programmes=programmes, waiting=waiting)


def _programme_form(programme: Programme | None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme) if programme else NewProgrammeForm()
    form.framework_id.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(f.id, f.name) for f in frameworks.list_frameworks()
    ]
    form.course_ids.choices = [SelectChoice(c.id, c.title) for c in services.courses_to_offer()]
    if programme is not None and request.method == "GET":
        form.course_ids.data = [link.course_id for link in programme.course_links]
        form.framework_id.data = programme.framework_id or 0
    return form


@bp.route("/new", methods=["GET", "POST"], defaults={"programme_id": None})
@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@requires(can_run_programmes)
def edit_programme(programme_id: int | None):
    programme = _programme(programme_id) if programme_id is not None else None
    form = _programme_form(programme)
    if form.validate_on_submit():
        try:
            programme = services.save_programme(
                programme,
                name=form.name.data,
                framework_id=form.framework_id.data or None,
                region=form.region.data or "",
                course_ids=form.course_ids.data or [],
                by=current_user,
                key=None if programme else form.key.data,
            )
        except services.ProgrammeError as error:
            form.show_error(error)
        else:
            flash(_("Saved."), "success")
            return see_other(url_for("programmes.show_programme", programme_id=programme.id))
    return render(
        "programmes/programme_form.html",
        form=form,
        programme=programme,
        status=status_of(form),
    )


@bp.get("/<int:programme_id>")
@requires(can_run_programmes)
def show_programme(programme_id: int):
    programme = _programme(programme_id)
    return render("programmes/programme.html", programme=programme)


@bp.route("/<int:programme_id>/cohorts/new", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/<int:programme_id>/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@requires(can_run_programmes)
def edit_cohort(programme_id: int, cohort_id: int | None):
    programme = _programme(programme_id)
    cohort = _cohort(programme, cohort_id) if cohort_id is not None else None
    form = CohortForm(obj=cohort) if cohort else NewCohortForm()
    if form.validate_on_submit():
        try:
            cohort = services.save_cohort(
                programme,
                cohort,
                name=form.name.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                by=current_user,
                key=None if cohort else form.key.data,
            )
        except services.ProgrammeError as error:
            form.show_error(error)
        else:
            flash(_("Saved."), "success")
            return see_other(
                url_for("programmes.edit_cohort", programme_id=programme.id, cohort_id=cohort.id)
            )
    return _cohort_page(programme, cohort, form, AddMemberForm(formdata=None))


def _cohort_page(programme, cohort, form, add_form):
    query = request.args.get("q", "")
    page = id_arg("page", 1)
    members = services.cohort_members(cohort, query, page) if cohort else None
    return render(
        "programmes/cohort.html",
        block="members" if members else "content",
        form=form,
        add_form=add_form,
        programme=programme,
        cohort=cohort,
        members=members,
        query=query,
        status=status_of(form, add_form),
    )


@bp.post("/<int:programme_id>/cohorts/<int:cohort_id>/members")
@requires(can_run_programmes)
def add_member(programme_id: int, cohort_id: int):
    """An existing leader's account into this cohort (an import is for new people)."""
    programme = _programme(programme_id)
    cohort = _cohort(programme, cohort_id)
    add_form = AddMemberForm()
    if add_form.validate_on_submit():
        try:
            person, added = services.add_member(
                cohort, add_form.identifier.data, add_form.region.data or "", by=current_user
            )
        except services.ProgrammeError as error:
            add_form.show_error(error)
        else:
            name = person.display_name
            if added:
                flash(_("%(name)s is in this cohort now.", name=name), "success")
            else:
                flash(_("%(name)s was in this cohort already.", name=name), "success")
            return see_other(
                url_for("programmes.edit_cohort", programme_id=programme.id, cohort_id=cohort.id)
            )
    return _cohort_page(programme, cohort, CohortForm(obj=cohort, formdata=None), add_form)


@bp.post("/<int:programme_id>/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
@requires(can_run_programmes)
def remove_member(programme_id: int, cohort_id: int, user_id: int):
    programme = _programme(programme_id)
    cohort = _cohort(programme, cohort_id)
    services.remove_member(cohort, user_id, current_user)
    flash(_("Taken out of the cohort."), "success")
    return see_other(
        url_for("programmes.edit_cohort", programme_id=programme.id, cohort_id=cohort.id)
    )


@bp.route("/<int:programme_id>/import", methods=["GET", "POST"])
@requires(can_run_programmes)
def import_leaders(programme_id: int):
    """Upload → a job checks every row (its page shows the progress, then the preview with
    the refused rows) → confirm: a job imports the good rows."""
    programme = _programme(programme_id)
    if request.method == "POST" and "batch" in request.form:
        return _confirm_import(programme)
    form = ImportForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(services.imports.MAX_IMPORT_BYTES + 1) if upload else b""
        try:
            batch = services.upload_import(
                data,
                programme,
                by=current_user,
                key=form.key.data,
                locale=current_language(),
            )
        except services.ProgrammeError as error:
            form.form_errors.append(error.translated())
        else:
            return see_other(
                url_for("programmes.show_check", programme_id=programme.id, batch_id=batch.id)
            )
    return render(
        "programmes/import.html",
        programme=programme,
        form=form,
        confirm=ConfirmImportForm(formdata=None),
        status=status_of(form),
    )


def _confirm_import(programme: Programme):
    confirm = ConfirmImportForm()
    if confirm.validate_on_submit():
        try:
            batch = services.confirm_import(programme, confirm.batch.data, by=current_user)
        except services.ProgrammeError as error:
            confirm.form_errors.append(error.translated())
        else:
            return see_other(
                url_for("programmes.show_import", programme_id=programme.id, batch_id=batch.id)
            )
    return render(
        "programmes/import.html",
        programme=programme,
        form=ImportForm(formdata=None),
        confirm=confirm,
        status=422,
    )


def _upload(programme: Programme, batch_id: int) -> ImportBatch:
    batch = services.get_import_batch(batch_id)
    if batch is None or batch.programme_id != programme.id:
        abort(404)
    return batch


def _batch(programme: Programme, batch_id: int) -> ImportBatch:
    batch = _upload(programme, batch_id)
    if batch.confirmed_at is None:
        abort(404)  # a draft is not an import yet
    return batch


@bp.get("/<int:programme_id>/imports/<int:batch_id>/check")
@requires(can_run_programmes)
def show_check(programme_id: int, batch_id: int):
    """The file's check: its progress while the job reads it (HTMX polls the status
    block, which answers 286 once done; without JavaScript, a Refresh link), then the
    preview: the good rows, those already imported, the refused ones and what to fix."""
    programme = _programme(programme_id)
    batch = _upload(programme, batch_id)
    if batch.confirmed_at is not None:
        return redirect(
            url_for("programmes.show_import", programme_id=programme.id, batch_id=batch.id)
        )
    checking = batch.status in ImportStatus.CHECK_WORKING
    return render(
        "programmes/import_check.html",
        block="status",
        programme=programme,
        batch=batch,
        checking=checking,
        summary=batch.summary or {},
        problems=services.check_problems(batch),
        error=services.import_error(batch),
        form=ImportForm(formdata=None),
        confirm=ConfirmImportForm(formdata=None),
        status=286 if is_fragment_request() and not checking else 200,
    )


@bp.post("/<int:programme_id>/imports/<int:batch_id>/refused.csv")
@requires(can_run_programmes)
def download_refused(programme_id: int, batch_id: int):
    programme = _programme(programme_id)
    batch = _upload(programme, batch_id)
    chunks = services.refused_rows_file(batch, by=current_user)
    if chunks is None:  # none refused, or kept no longer: the page says so
        endpoint = "show_import" if batch.confirmed_at else "show_check"
        return see_other(
            url_for(f"programmes.{endpoint}", programme_id=programme.id, batch_id=batch.id)
        )
    return csv_download(chunks, f"refused-rows-{batch.id}.csv")


@bp.get("/<int:programme_id>/imports/<int:batch_id>")
@requires(can_run_programmes)
def show_import(programme_id: int, batch_id: int):
    """The import's progress. HTMX polls its status block, which answers 286 (stop
    polling) once the job is done; without JavaScript the page has a Refresh link."""
    programme = _programme(programme_id)
    batch = _batch(programme, batch_id)
    working = batch.status in ImportStatus.WORKING
    return render(
        "programmes/import_done.html",
        block="status",
        programme=programme,
        batch=batch,
        working=working,
        error=services.import_error(batch),
        cohorts=services.import_cohorts(batch),
        summary=batch.summary or {},
        status=286 if is_fragment_request() and not working else 200,
    )


@bp.post("/<int:programme_id>/imports/<int:batch_id>/codes")
@requires(can_run_programmes)
def renew_invitations(programme_id: int, batch_id: int):
    programme = _programme(programme_id)
    batch = _batch(programme, batch_id)
    if services.request_new_codes(batch, by=current_user):
        flash(_("New invitation codes are being made."), "success")
    return see_other(
        url_for("programmes.show_import", programme_id=programme.id, batch_id=batch.id)
    )


@bp.post("/<int:programme_id>/imports/<int:batch_id>/invitations.csv")
@requires(can_run_programmes)
def download_invitations(programme_id: int, batch_id: int):
    programme = _programme(programme_id)
    batch = _batch(programme, batch_id)
    chunks = services.invitation_codes_file(batch, by=current_user)
    if chunks is None:  # not written yet: the progress page says how far it is
        return see_other(
            url_for("programmes.show_import", programme_id=programme.id, batch_id=batch.id)
        )
    return csv_download(chunks, f"invitations-{batch.id}.csv")


def _scope(programme: Programme) -> services.Scope:
    cohort = None
    if request.args.get("cohort"):
        cohort_id = id_arg("cohort")
        if cohort_id is None:  # a cohort that cannot exist, as a path's id would be
            abort(404)
        cohort = _cohort(programme, cohort_id)
    region = request.args.get("region", "")[:80].replace("\x00", "") or None
    return services.Scope(programme, cohort, region)


@bp.get("/<int:programme_id>/report")
@requires(can_run_programmes)
def report(programme_id: int):
    """The report as the job last worked it out (``services.report_view``): while the
    first figures are prepared, a section that polls the page (286 once they are there)."""
    programme = _programme(programme_id)
    scope = _scope(programme)
    view = services.report_view(scope)
    result = view.report
    return render(
        "programmes/report.html",
        programme=programme,
        scope=scope,
        view=view,
        report=result,
        regions=view.regions,
        as_of=format_when(view.as_of, "day_and_time") if view.as_of else "",
        weekly_chart=result
        and weekly_line(
            result.weeks, _("Active leaders per week"), lambda week: format_when(week, "day_month")
        ),
        growth_charts=[
            (label, items, growth_bars(items, _("Growth per competency")))
            for label, items in (result.growth if result else [])
        ],
        status=286 if is_fragment_request() and not view.preparing else 200,
    )


def _report_page(programme: Programme, scope: services.Scope):
    args = {"cohort": scope.cohort.id if scope.cohort else None, "region": scope.region}
    return see_other(url_for("programmes.report", programme_id=programme.id, **args))


@bp.post("/<int:programme_id>/report.csv")
@requires(can_run_programmes)
def download_report(programme_id: int):
    programme = _programme(programme_id)
    scope = _scope(programme)
    view = services.report_view(scope)
    if view.preparing:  # nothing to download yet: the page says so
        return _report_page(programme, scope)
    text = services.report_csv(view.report, by=current_user, as_of=view.as_of)
    return csv_download(text, "report.csv")


@bp.post("/<int:programme_id>/records.csv")
@requires(can_run_programmes)
def download_records(programme_id: int):
    programme = _programme(programme_id)
    scope = _scope(programme)
    view = services.report_view(scope)
    if view.preparing:
        return _report_page(programme, scope)
    return csv_download(services.records_download(scope, view, by=current_user), "records.csv")


@bp.get("/audit")
@requires(can_run_programmes)
def audit_log():
    entries = services.audit_entries(AUDIT_PAGE, id_arg("before"))
    more = len(entries) == AUDIT_PAGE
    return render("programmes/audit.html", entries=entries, more=more)


@bp.post("/audit.csv")
@requires(can_run_programmes)
def download_audit():
    return csv_download(services.audit_csv(by=current_user), "audit-log.csv")


@bp.get("/erasures")
@requires(can_run_programmes)
def list_erasures():
    return render("programmes/erasures.html", requests=services.pending_erasures())


@bp.post("/erasures/<int:request_id>")
@requires(can_run_programmes)
def complete_erasure(request_id: int):
    erasure = services.get_erasure_request(request_id) or abort(404)
    try:
        services.complete_erasure(erasure, by=current_user)
    except services.ProgrammeError as error:
        flash(error.translated(), "error")
    else:
        flash(_("Their data is erased."), "success")
    return see_other(url_for("programmes.list_erasures"))
