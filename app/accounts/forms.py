"""Forms for signing in, invitations, resets and profiles."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.config import LANGUAGES
from app.forms import Form
from app.roles import Role

from .services import MIN_PASSWORD_LENGTH

ROLE_LABELS = {
    Role.LEADER: _l("Leader"),
    Role.COACH: _l("Coach"),
    Role.AUTHOR: _l("Author"),
    Role.ADMIN: _l("Programme admin"),
}
# The zones where Headway's programmes run. Listing all ~600 IANA zones would cost a
# leader several kilobytes on every visit to their profile.
PROGRAMME_TIMEZONES = [
    "Africa/Nairobi",
    "Africa/Kampala",
    "Africa/Dar_es_Salaam",
    "Africa/Kigali",
    "Africa/Addis_Ababa",
    "Africa/Lagos",
    "Africa/Accra",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Kinshasa",
    "Africa/Lubumbashi",
    "Africa/Johannesburg",
    "Africa/Lusaka",
    "Africa/Cairo",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Karachi",
    "Asia/Kathmandu",
    "Asia/Kuala_Lumpur",
    "Asia/Jakarta",
    "Asia/Manila",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "UTC",
]


def timezone_choices(current: str | None = None) -> list[tuple[str, str]]:
    zones = list(PROGRAMME_TIMEZONES)
    if current and current not in zones and current in available_timezones():
        zones.insert(0, current)
    return [SelectChoice(tz, tz.replace("_", " ")) for tz in zones]


def choices(mapping) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtLeastOne:
    """Like DataRequired for a group of checkboxes, but without the ``required`` flag:
    on a checkbox it would make the browser demand that every box be ticked."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


def _new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=128,
                message=_l("Use %(min)d to 128 characters.", min=MIN_PASSWORD_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class SignInForm(Form):
    identifier = StringField(
        _l("Email or phone number"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this phone"), default=True)


class AcceptInvitationForm(Form):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = _new_password_fields()


class RedeemCodeForm(AcceptInvitationForm):
    """For an invitation read out over the phone: who you are, the code, then as above."""

    identifier = StringField(
        _l("Email or phone number"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class ResetPasswordForm(Form):
    identifier = StringField(
        _l("Email or phone number"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Reset code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )
    password, confirm = _new_password_fields()


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    country = StringField(
        _l("Country code"),
        validators=[Optional(), Length(min=2, max=2)],
        description=_l("Two letters, for example KE, IN, MY or RW."),
    )
    locale = SelectField(_l("Language"), choices=choices(LANGUAGES))
    timezone = SelectField(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(getattr(kwargs.get("obj"), "timezone", None))

    data_saver = BooleanField(_l("Data saver: play the smallest video unless I choose otherwise"))


class InviteForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = TelField(
        _l("Phone number"),
        validators=[Optional(), Length(max=20)],
        description=_l("With the country code, for example +254 712 345 678."),
    )
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(ROLE_LABELS),
        default=[Role.LEADER.value],
        validators=[AtLeastOne(_l("Choose at least one role."))],
    )


class AccountForm(Form):
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = TelField(_l("Phone number"), validators=[Optional(), Length(max=20)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(ROLE_LABELS),
        validators=[AtLeastOne(_l("Choose at least one role."))],
    )
    active = BooleanField(_l("May sign in"))
