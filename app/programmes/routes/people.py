"""A person's page, as an admin serves them: their cohorts (a part of the People page of
each person, ``registry.person_section``), and their data for a person who asks by letter,
by phone or in person — the download they would get from Me, and erasure. For programme
admins only; every download and erasure is logged with how the person asked."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app import registry
from app.accounts import services as accounts
from app.accounts.models import User
from app.forms import status_of
from app.htmx import render, see_other
from app.permissions import requires
from app.roles import Role

from .. import bp, services
from ..forms import AddToCohortForm, EraseForm, ExportForm
from ..permissions import can_run_programmes
from ._common import csv_download, json_download


def _section(person: User) -> dict:
    """The admin's page of a person: the cohorts they are in, and one to add them to."""
    form = AddToCohortForm(formdata=None)
    form.cohort_id.choices = [SelectChoice("", _("Choose a cohort"))] + [
        SelectChoice(cohort_id, label) for cohort_id, label in services.cohort_choices(person)
    ]
    return {
        "person": person,
        "cohorts": services.person_cohorts(person),
        "add_form": form,
        "leader": person.has_role(Role.LEADER),
    }


registry.person_section("programmes", "programmes/_person.html", _section)


@bp.app_template_filter("request_channel")
def request_channel(key: str) -> str:
    """How a person asked (the audit log's ``channel``), in the reader's language."""
    return str(services.CHANNELS.get(key, key))


def _person_page(person: User):
    return see_other(url_for("accounts.edit_person", user_id=person.id))


@bp.post("/people/<int:user_id>/cohorts")
@requires(can_run_programmes)
def add_to_cohort(user_id: int):
    """From the person's page; every outcome is a message there (no page of its own)."""
    person = accounts.get_user(user_id) or abort(404)
    form = AddToCohortForm()
    form.cohort_id.choices = []  # any id: looked up below
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
        return _person_page(person)
    cohort = services.get_cohort(form.cohort_id.data)
    if cohort is None:
        flash(_("That cohort is gone. Choose another."), "error")
        return _person_page(person)
    try:
        added = services.add_person(cohort, person, form.region.data or "", by=current_user)
    except services.ProgrammeError as error:
        flash(error.translated(), "error")
    else:
        names = {"name": person.display_name, "cohort": cohort.name}
        if added:
            flash(_("%(name)s is in %(cohort)s now.", **names), "success")
        else:
            flash(_("%(name)s was in %(cohort)s already.", **names), "info")
    return _person_page(person)


def _data_page(person: User, export: ExportForm, status: int = 200):
    return render(
        "programmes/person_data.html",
        person=person,
        export=export,
        erasure=services.erasure_request(person),
        refusal=services.erasure_refusal(person, by=current_user),
        status=status,
    )


@bp.get("/people/<int:user_id>/data")
@requires(can_run_programmes)
def person_data(user_id: int):
    person = accounts.get_user(user_id) or abort(404)
    return _data_page(person, ExportForm(prefix="export", formdata=None))


@bp.post("/people/<int:user_id>/data")
@requires(can_run_programmes)
def download_person_data(user_id: int):
    """The file the person would download from Me, for them; logged."""
    person = accounts.get_user(user_id) or abort(404)
    export = ExportForm(prefix="export")
    if export.validate_on_submit():
        fmt = export.format.data
        try:
            text = services.export_for(
                person,
                fmt,
                by=current_user,
                channel=export.channel.data,
                reference=export.reference.data or "",
            )
        except services.ProgrammeError as error:
            export.show_error(error)
        else:
            download = csv_download if fmt == "csv" else json_download
            return download(text, f"headway-data-{person.id}.{fmt}")
    return _data_page(person, export, status=422)


@bp.route("/people/<int:user_id>/erasure", methods=["GET", "POST"])
@requires(can_run_programmes)
def erase_person(user_id: int):
    """A page of its own, to confirm: erasure cannot be undone."""
    person = accounts.get_user(user_id) or abort(404)
    erase = EraseForm(prefix="erase")
    if erase.validate_on_submit():
        try:
            services.erase_for(
                person,
                by=current_user,
                channel=erase.channel.data,
                reference=erase.reference.data or "",
            )
        except services.ProgrammeError as error:
            erase.show_error(error)
        else:
            flash(_("Their data is erased."), "success")
            return _person_page(person)
    return render(
        "programmes/person_erasure.html",
        person=person,
        erase=erase,
        erasure=services.erasure_request(person),
        refusal=services.erasure_refusal(person, by=current_user),
        status=status_of(erase),
    )
