"""Running groups: admins create them and manage members; moderators (and admins) hide and
restore posts, lock and pin threads, and read the reports and the moderation log."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services as accounts
from app.forms import status_of
from app.htmx import render, see_other
from app.permissions import requires

from .. import bp, services
from .. import permissions as can
from ..forms import ActionForm, GroupForm, MemberForm
from ._common import group_or_404, post_or_404, thread_or_404

THREAD_ACTIONS = {
    "lock": ("locked", True),
    "unlock": ("locked", False),
    "pin": ("pinned", True),
    "unpin": ("pinned", False),
}


@bp.route("/new", methods=["GET", "POST"])
@requires(can.can_manage_groups)
def create_group():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(
                form.name.data, form.description.data or "", by=current_user, key=form.key.data
            )
        except services.GroupError as error:
            form.show_error(error)
        else:
            return see_other(url_for("groups.manage_members", group_id=group.id))
    status = status_of(form)
    return render("groups/create_group.html", status=status, form=form)


@bp.route("/<int:group_id>/members", methods=["GET", "POST"])
@requires(can.can_manage_groups)
def manage_members(group_id: int):
    group, _membership = group_or_404(group_id)
    form = MemberForm()
    if form.validate_on_submit():
        person = accounts.find_user(form.identifier.data)
        if person is None:
            form.identifier.errors.append(
                _("No one has this e-mail or phone number. Invite them from People first.")
            )
        else:
            try:
                services.add_member(group, person, form.role.data)
            except services.GroupError as error:
                form.show_error(error)
            else:
                flash(_("%(name)s is in the group.", name=person.display_name), "success")
                return see_other(url_for("groups.manage_members", group_id=group.id))
    status = status_of(form)
    return render(
        "groups/members.html",
        status=status,
        group=group,
        members=services.members(group),
        form=form,
        action_form=ActionForm(),
    )


@bp.post("/<int:group_id>/members/<int:user_id>/remove")
@requires(can.can_manage_groups)
def remove_member(group_id: int, user_id: int):
    group, _membership = group_or_404(group_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_member(group, user_id)
    return see_other(url_for("groups.manage_members", group_id=group.id))


@bp.get("/<int:group_id>/moderation")
@requires(can.can_use_groups)
def moderation(group_id: int):
    group, membership = group_or_404(group_id)
    if not can.can_moderate_group(current_user, membership):
        abort(403)
    return render(
        "groups/moderation.html",
        group=group,
        page=services.moderation_page(group),
        action_form=ActionForm(),
    )


@bp.post("/posts/<int:post_id>/<any(hide, restore):action>")
@requires(can.can_use_groups)
def moderate_post(post_id: int, action: str):
    post, thread, membership = post_or_404(post_id)
    if not can.can_moderate_group(current_user, membership) or post.deleted_at is not None:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_post_hidden(post, current_user, hidden=action == "hide")
    flash(_("Post hidden.") if action == "hide" else _("Post restored."), "success")
    return see_other(url_for("groups.show_thread", thread_id=thread.id, _anchor=f"post-{post.id}"))


@bp.post("/threads/<int:thread_id>/<any(lock, unlock, pin, unpin):action>")
@requires(can.can_use_groups)
def moderate_thread(thread_id: int, action: str):
    thread, membership = thread_or_404(thread_id)
    if not can.can_moderate_group(current_user, membership):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    flag, on = THREAD_ACTIONS[action]
    services.set_thread_flag(thread, current_user, flag, on)
    return see_other(url_for("groups.show_thread", thread_id=thread.id))
