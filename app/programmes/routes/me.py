"""A person's own pages under /programme/me: research answers, their data, erasure."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.forms import status_of
from app.htmx import render, see_other

from .. import bp, services
from ..forms import ResearchForm
from ._common import csv_download, json_download


@bp.route("/me/research", methods=["GET", "POST"])
@login_required
def research():
    profile = services.research_profile(current_user)
    form = ResearchForm(obj=profile)
    if request.method == "GET":
        form.consent.data = profile is not None and profile.consent_at is not None
        for name in ("gender", "school_type", "school_size", "locality"):
            getattr(form, name).data = getattr(profile, name, None) or ""
    if form.validate_on_submit():
        services.save_research_profile(
            current_user,
            consent=form.consent.data,
            gender=form.gender.data,
            years_as_head=form.years_as_head.data,
            school_type=form.school_type.data,
            school_size=form.school_size.data,
            locality=form.locality.data,
        )
        flash(
            _("Thank you. Your answers are saved.")
            if form.consent.data
            else _("Nothing is kept: your answers, if any, are removed."),
            "success",
        )
        return see_other(url_for("programmes.research"))
    return render("programmes/research.html", form=form, status=status_of(form))


@bp.get("/me/data")
@login_required
def my_data():
    return render("programmes/my_data.html", erasure=services.erasure_request(current_user))


@bp.get("/me/data.json")
@login_required
def download_my_data_json():
    return json_download(services.personal_data_json(current_user), "my-headway-data.json")


@bp.get("/me/data.csv")
@login_required
def download_my_data_csv():
    return csv_download(services.personal_data_csv(current_user), "my-headway-data.csv")


@bp.post("/me/erasure")
@login_required
def request_erasure():
    if request.form.get("withdraw"):
        services.withdraw_erasure(current_user)
        flash(_("Your request is withdrawn."), "success")
    else:
        services.request_erasure(current_user)
        flash(_("Your request is sent. A programme admin will erase your data."), "success")
    return see_other(url_for("programmes.my_data"))
