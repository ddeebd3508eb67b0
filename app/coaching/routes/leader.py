"""The leader's side: their own coaching record, and sharing notebook entries."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.htmx import render, see_other
from app.permissions import can_learn, requires

from .. import bp, services
from ..forms import ConfirmForm
from ._common import my_record_page


@bp.get("/me")
@requires(can_learn)
def my_record():
    return my_record_page()


@bp.get("/notebook")
@requires(can_learn)
def notebook():
    return render(
        "coaching/notebook.html",
        entries=services.notebook(current_user),
        coach=services.coach_of(current_user),
        form=ConfirmForm(),
    )


def _set_shared(reflection_id: int, shared: bool):
    reflection = services.own_reflection(current_user, reflection_id)
    if reflection is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if shared:
        try:
            services.share_entry(current_user, reflection)
        except services.CoachingError as error:
            flash(error.translated(), "error")
        else:
            flash(_("Your coach can read this entry now."), "success")
    else:
        services.unshare_entry(current_user, reflection)
        flash(_("This entry is private again."), "success")
    return see_other(url_for("coaching.notebook", _anchor=f"entry-{reflection.id}"))


@bp.post("/notebook/<int:reflection_id>/share")
@requires(can_learn)
def share_entry(reflection_id: int):
    return _set_shared(reflection_id, True)


@bp.post("/notebook/<int:reflection_id>/unshare")
@requires(can_learn)
def unshare_entry(reflection_id: int):
    return _set_shared(reflection_id, False)
