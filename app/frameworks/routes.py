"""Admins browse and edit frameworks, and import and export them as files. Each edit
page is a plain form (POST → 303 → GET)."""

from __future__ import annotations

from flask import Response, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from app.forms import status_of
from app.htmx import render, see_other
from app.permissions import requires
from app.translatable import lang_attr

from . import bp, services
from .files import FileFormatError
from .forms import (
    CompetencyForm,
    DomainForm,
    FrameworkForm,
    ImportForm,
    LevelForm,
    NewCompetencyForm,
)
from .models import Competency, Domain, FrameworkLevel
from .permissions import can_manage_frameworks


def _framework_or_404(framework_id: int):
    framework = services.get_framework(framework_id)
    if framework is None:
        abort(404)
    return framework


def _child_or_404(model, child_id: int, framework_id: int):
    child = services.get_part(model, child_id)
    if child is None or child.framework_id != framework_id:
        abort(404)
    return child


def _saved(framework, message: str, anchor: str | None = None):
    """Say what was saved and go back to the framework, at the row that changed."""
    flash(message, "success")
    return see_other(
        url_for("frameworks.show_framework", framework_id=framework.id, _anchor=anchor)
    )


def _edit_page(framework, form, heading: str):
    """``heading`` is text, or Markup from ``_content``; either way the page gets Markup."""
    status = status_of(form)
    return render(
        "frameworks/edit.html",
        framework=framework,
        form=form,
        heading=escape(heading),
        status=status,
    )


def _content(row, field: str) -> Markup:
    """A row's text in the page's language where translated, marked with its own language
    when it is in another (the way ``frameworks/_text.html`` shows it)."""
    text = row.translated(field)
    attr = lang_attr(text)
    return Markup("<span{}>{}</span>").format(attr, text) if attr else escape(text)


@bp.get("/")
@requires(can_manage_frameworks)
def list_frameworks():
    return render("frameworks/list.html", frameworks=services.list_frameworks(), form=ImportForm())


@bp.post("/import")
@requires(can_manage_frameworks)
def import_framework():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = services.import_framework_file(upload.filename, upload.read())
        except FileFormatError as error:
            problems = error.problems
            form.file.errors.append(
                _(
                    "%(file)s was not imported, and nothing has changed. "
                    "Fix these problems and import it again:",
                    file=problems[0].path,
                )
            )
        else:
            return _saved(report.framework, _import_summary(report))
    return render(
        "frameworks/list.html",
        frameworks=services.list_frameworks(),
        form=form,
        problems=problems,
        status=422,
    )


def _import_summary(report: services.ImportReport) -> str:
    names = {"name": report.framework.name, "code": report.framework.code}
    if report.created:
        return _(
            "Framework %(name)s (%(code)s) created. Competencies added: %(added)d.",
            added=report.competencies_added,
            **names,
        )
    return _(
        "Framework %(name)s (%(code)s) updated. Competencies added: %(added)d, "
        "changed: %(changed)d, retired: %(retired)d.",
        added=report.competencies_added,
        changed=report.competencies_updated,
        retired=report.competencies_retired,
        **names,
    )


@bp.get("/<int:framework_id>/export.<any(yaml, csv):file_format>")
@requires(can_manage_frameworks)
def export_framework(framework_id: int, file_format: str):
    export = services.export_framework_file(_framework_or_404(framework_id), file_format)
    response = Response(export.text, content_type=export.content_type)
    response.headers.set("Content-Disposition", "attachment", filename=export.filename)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/<int:framework_id>")
@requires(can_manage_frameworks)
def show_framework(framework_id: int):
    framework = _framework_or_404(framework_id)
    return render(
        "frameworks/show.html",
        framework=framework,
        competencies=services.competencies_by_domain(framework, include_retired=True),
    )


@bp.route("/<int:framework_id>/edit", methods=["GET", "POST"])
@requires(can_manage_frameworks)
def edit_framework(framework_id: int):
    framework = _framework_or_404(framework_id)
    form = FrameworkForm(obj=framework)
    if form.validate_on_submit():
        services.update_framework(
            framework,
            name=form.name.data,
            scope=form.scope.data or "",
            version=form.version.data or "",
            language=form.language.data,
        )
        return _saved(framework, _("Framework saved."))
    return _edit_page(framework, form, _content(framework, "name"))


@bp.route("/<int:framework_id>/levels/<int:level_id>/edit", methods=["GET", "POST"])
@requires(can_manage_frameworks)
def edit_level(framework_id: int, level_id: int):
    framework = _framework_or_404(framework_id)
    level = _child_or_404(FrameworkLevel, level_id, framework.id)
    form = LevelForm(obj=level)
    if form.validate_on_submit():
        services.update_level(level, name=form.name.data, descriptor=form.descriptor.data or "")
        return _saved(framework, _("Level saved."), f"level-{level.id}")
    return _edit_page(framework, form, _("Level %(number)d", number=level.number))


@bp.route("/<int:framework_id>/domains/<int:domain_id>/edit", methods=["GET", "POST"])
@requires(can_manage_frameworks)
def edit_domain(framework_id: int, domain_id: int):
    framework = _framework_or_404(framework_id)
    domain = _child_or_404(Domain, domain_id, framework.id)
    form = DomainForm(obj=domain)
    if form.validate_on_submit():
        services.update_domain(
            domain, title=form.title.data, description=form.description.data or ""
        )
        return _saved(framework, _("Domain saved."), f"domain-{domain.id}")
    return _edit_page(framework, form, domain.code)


@bp.route("/<int:framework_id>/competencies/<int:competency_id>/edit", methods=["GET", "POST"])
@requires(can_manage_frameworks)
def edit_competency(framework_id: int, competency_id: int):
    framework = _framework_or_404(framework_id)
    competency = _child_or_404(Competency, competency_id, framework.id)
    form = CompetencyForm(obj=competency)
    if form.validate_on_submit():
        services.update_competency(
            competency,
            title=form.title.data,
            description=form.description.data or "",
            retired=form.retired.data,
        )
        return _saved(framework, _("Competency saved."), f"competency-{competency.id}")
    return _edit_page(framework, form, competency.code)


@bp.route("/<int:framework_id>/domains/<int:domain_id>/competencies/new", methods=["GET", "POST"])
@requires(can_manage_frameworks)
def new_competency(framework_id: int, domain_id: int):
    framework = _framework_or_404(framework_id)
    domain = _child_or_404(Domain, domain_id, framework.id)
    form = NewCompetencyForm()
    if form.validate_on_submit():
        try:
            competency = services.add_competency(
                domain,
                code=form.code.data.strip(),
                title=form.title.data,
                description=form.description.data or "",
                by=current_user,
                key=form.key.data,
            )
        except services.CodeTaken:
            form.code.errors.append(_("This framework already has a competency with this code."))
        except services.FrameworkError as error:
            form.show_error(error)
        else:
            return _saved(framework, _("Competency added."), f"competency-{competency.id}")
    # The template alone is translated, then the domain's marked-up title put into it.
    heading = escape(_("New competency in %(domain)s")) % {"domain": _content(domain, "title")}
    return _edit_page(framework, form, heading)
