"""Sign-in, invitations, resets, profile, and the admin's people pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from app import registry
from app.forms import status_of
from app.htmx import render, see_other
from app.logs import log_event
from app.permissions import can_learn, requires
from app.urls import id_arg

from . import bp, data_use, services
from .forms import (
    AcceptInvitationForm,
    AccountForm,
    DataRungForm,
    InviteForm,
    ProfileForm,
    RedeemCodeForm,
    ResetPasswordForm,
    SignInForm,
)
from .limits import attempt_failed, limited, remember_device
from .models import CodePurpose, User
from .permissions import can_manage_people


def safe_next(default: str) -> str:
    """``next`` when it is a path on this site, else ``default``. Browsers read ``/\\host``
    as ``//host``, so backslashes and control characters disqualify it too."""
    target = request.values.get("next", "")
    if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return default
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    return target


def _home(user=current_user) -> str:
    """Where a person lands: a leader on Learn (what they come for), everyone else on Home."""
    return url_for("learning.home" if can_learn(user) else "core.home")


def _sign_in(user: User, remember: bool) -> None:
    services.start_sign_in(
        user, address=request.remote_addr, user_agent=request.headers.get("User-Agent", "")
    )
    login_user(user, remember=remember)
    session.permanent = remember


@bp.route("/sign-in", methods=["GET", "POST"])
@limited
def sign_in():
    if current_user.is_authenticated:
        return redirect(safe_next(_home()))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.identifier.data, form.password.data)
        except services.AccountError as error:  # a phone number that cannot be anyone's
            form.identifier.errors.append(error.translated())
            return render("accounts/sign_in.html", form=form, status=422)
        if user is not None:
            _sign_in(user, remember=bool(form.remember.data))
            # A whole page, not a boosted swap: the <body> of a signed-in page names the
            # service worker and carries the session's CSRF header, which a swap keeps
            # from the sign-in page.
            return remember_device(see_other(safe_next(_home()), full_reload=True), user)
        attempt_failed()
        log_event("sign_in_failed", address=request.remote_addr)
        form.form_errors.append(
            _("That email or phone number and password do not match. Check both and try again.")
        )
    forget = session.pop("forget_browser", False)
    return render("accounts/sign_in.html", form=form, forget_browser=forget)


@bp.after_app_request
def count_page_bytes(response):
    """Pages count towards the signed-in person's data use this month (an estimate)."""
    data_use.count_page(current_user, response)
    return response


@bp.post("/me/data-saver")
@login_required
def set_data_rung():
    """The data-saver choice from the player: saved, then back to the lesson (no JS); the
    player sends it in the background and switches at once."""
    form = DataRungForm()
    back = safe_next(url_for("accounts.profile"))
    if not form.validate_on_submit():
        flash(_("Choose one of the data saver settings."), "error")
        return see_other(back)
    services.update_profile(current_user, data_rung=form.data_rung.data)
    return see_other(back)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        services.end_sign_in(current_user)
    return _signed_out(_("You are signed out."))


@bp.post("/sign-out/everywhere")
@login_required
def sign_out_everywhere():
    """A lost or shared phone: end every sign-in of this person, this one included."""
    services.end_every_sign_in(current_user)
    return _signed_out(_("You are signed out on every phone and computer."))


def _signed_out(message: str):
    """Forget the person here too: the cookies, and whatever the browser kept of their pages
    (htmx's history snapshots, notebook drafts, saved lessons and writes waiting offline) —
    the next person on a shared phone sees none of it. "cache" too: lesson media is cached
    privately for a year at URLs that need no signature, and a cached file is shown without
    asking the server. Browsers that ignore Clear-Site-Data get the storage part from
    learning.js."""
    logout_user()
    flash(message, "info")
    session["forget_browser"] = True  # the sign-in page tells learning.js to clear storage
    response = see_other(url_for("accounts.sign_in"))
    response.headers["Clear-Site-Data"] = '"storage", "cache"'
    return response


# The session remembers which invitation this browser opened, so no URL after the link's own
# carries its token.
INVITATION_KEY = "invitation"


@bp.route("/invitation", methods=["GET", "POST"])
def accept_invitation():
    """The invitation link is ``/invitation?token=…``: its one GET keeps the invitation in the
    session and sees the browser on to ``/invitation``, where the form is. The token so
    rides only in a query string, which the access log leaves out (``app/gunicorn.conf.py``), and
    never in the address of a page, so no history entry, Referer or later request has it."""
    token = request.args.get("token")
    if token is not None:
        return _open_invitation(token)
    access = services.usable_code(session.get(INVITATION_KEY), CodePurpose.INVITATION)
    if access is None:
        return render("accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(name=access.user.name)
    if form.validate_on_submit():
        return _accept(form, access, "accounts/accept_invitation.html")
    return render("accounts/accept_invitation.html", form=form, invitee=access.user)


@bp.get("/invitations/<token>")
def open_invitation_link(token: str):
    """Links sent before the token moved to the query string (their path is logged); this
    can go once INVITATION_LIFETIME has passed since then."""
    return _open_invitation(token)


def _open_invitation(token: str):
    access = services.code_for_token(token)
    if access is not None and access.purpose == CodePurpose.INVITATION:
        session[INVITATION_KEY] = access.id
        session.permanent = True  # a form filled in tomorrow, after the phone closed the browser
    else:
        session.pop(INVITATION_KEY, None)
    return see_other(url_for("accounts.accept_invitation"))


@bp.route("/welcome", methods=["GET", "POST"])
@limited
def redeem_code():
    """Accept an invitation with the short code instead of the link."""
    if current_user.is_authenticated:
        return redirect(_home())
    form = RedeemCodeForm()
    if form.validate_on_submit():
        try:
            access = services.code_for_identifier(
                form.identifier.data, form.code.data, CodePurpose.INVITATION
            )
        except services.AccountError as error:
            form.identifier.errors.append(error.translated())
            return render("accounts/redeem_code.html", form=form, status=422)
        if access is not None:
            return _accept(form, access, "accounts/redeem_code.html")
        attempt_failed()
        form.code.errors.append(
            _(
                "This code does not match, has been used or has expired. "
                "Check the email or phone number and the code, or ask for a new one."
            )
        )
    return render("accounts/redeem_code.html", form=form)


def _accept(form, access, template: str):
    try:
        user = services.accept_invitation(access, name=form.name.data, password=form.password.data)
    except services.AccountError as error:
        form.show_error(error)
        return render(template, form=form, invitee=access.user, status=422)
    # Accepted on a phone where someone else is signed in: their sign-in here ends, and the
    # phone forgets what it kept for them, as when they sign out (see ``_signed_out``).
    someone_else = current_user.is_authenticated and current_user.id != user.id
    if someone_else:
        services.end_sign_in(current_user)
    _sign_in(user, remember=True)
    session.pop(INVITATION_KEY, None)
    flash(_("Welcome to Headway, %(name)s.", name=user.name), "success")
    response = see_other(_home(user), full_reload=True)
    if someone_else:
        response.headers["Clear-Site-Data"] = '"storage", "cache"'
    return remember_device(response, user)


@bp.route("/password-reset", methods=["GET", "POST"])
@limited
def reset_password():
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            access = services.code_for_identifier(
                form.identifier.data, form.code.data, CodePurpose.RESET
            )
        except services.AccountError as error:
            form.identifier.errors.append(error.translated())
            return render("accounts/reset_password.html", form=form, status=422)
        if access is not None:
            user = services.reset_password(access, form.password.data)
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return remember_device(see_other(url_for("accounts.sign_in")), user)
        attempt_failed()
        form.code.errors.append(
            _(
                "This code does not match, has been used or has expired. "
                "Check the email or phone number and the code, or ask your programme admin for a new one."
            )
        )
    return render("accounts/reset_password.html", form=form)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or session.get("locale") or "en"
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                name=form.name.data,
                school=form.school.data,
                country=(form.country.data or "").upper(),
                locale=form.locale.data,
                timezone=form.timezone.data,
                data_rung=form.data_rung.data,
                data_limit_mb=form.data_limit_mb.data,
            )
        except services.AccountError as error:
            form.show_error(error)
        else:
            language_changed = session.get("locale") != current_user.locale
            session["locale"] = current_user.locale
            # The form's translated labels fixed this request's language on validation: the
            # message below is in the one just chosen.
            refresh()
            flash(_("Your profile is saved."), "success")
            return see_other(url_for("accounts.profile"), full_reload=language_changed)
    return render(
        "accounts/profile.html",
        form=form,
        usage=data_use.month_usage(current_user),
        status=status_of(form),
    )


@bp.post("/language")
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        services.update_profile(current_user, locale=locale)
    return see_other(safe_next(_home()), full_reload=True)


# --- the admin's people pages -------------------------------------------------------


@bp.get("/people")
@requires(can_manage_people)
def list_people():
    query = request.args.get("q", "")
    people = services.people_page(query, id_arg("page", 1))
    return render("accounts/people.html", block="people", people=people, query=query)


@bp.route("/people/invite", methods=["GET", "POST"])
@requires(can_manage_people)
def invite_person():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            issued = services.invite(
                email=form.email.data,
                phone=form.phone.data,
                name=form.name.data,
                roles=form.roles.data,
                invited_by=current_user,
                key=form.key.data,
            )
        except services.AccountError as error:
            form.show_error(error)
        else:
            # The code is shown once, here; only its hash is kept.
            return render(
                "accounts/code_issued.html", issued=issued, person=issued.access_code.user
            )
    return render("accounts/invite.html", form=form, status=status_of(form))


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@requires(can_manage_people)
def edit_person(user_id: int):
    person = services.get_user(user_id) or abort(404)
    form = AccountForm(obj=person)
    if request.method == "GET":
        form.roles.data = sorted(person.roles)
    if form.validate_on_submit():
        try:
            services.update_account(
                person,
                email=form.email.data,
                phone=form.phone.data,
                roles=form.roles.data,
                active=form.active.data,
                by=current_user,
            )
        except services.AccountError as error:
            form.show_error(error)
        else:
            flash(_("Saved."), "success")
            return see_other(url_for("accounts.edit_person", user_id=person.id))
    status = status_of(form)
    return render(
        "accounts/person.html", status=status, form=form, person=person, sections=_sections(person)
    )


def _sections(person: User) -> list[tuple[str, dict]]:
    """What other areas offer on this page (``registry.person_section``): their cohorts,
    their data."""
    return [
        (section.template, section.context(person)) for section in registry.PERSON_SECTIONS.values()
    ]


@bp.post("/people/<int:user_id>/reset-code")
@requires(can_manage_people)
def issue_reset_code(user_id: int):
    person = services.get_user(user_id) or abort(404)
    if not person.has_accepted:
        issued = services.reissue_invitation(person, current_user)
    else:
        issued = services.issue_reset_code(person, current_user)
    return render("accounts/code_issued.html", issued=issued, person=person)
