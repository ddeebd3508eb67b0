"""Forms for signing in, invitations, resets and profiles."""

from __future__ import annotations

import functools
import unicodedata
from zoneinfo import available_timezones

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from app.config import LANGUAGES
from app.forms import Form, KeyedForm, MultiCheckboxField
from app.roles import Role

from .models import DATA_RUNGS
from .services import MIN_PASSWORD_LENGTH, phone_example

ROLE_LABELS = {
    Role.LEADER: _l("Leader"),
    Role.COACH: _l("Coach"),
    Role.AUTHOR: _l("Author"),
    Role.ADMIN: _l("Programme admin"),
}
#: Shown on Me and on the player (the player adds what each costs for the lesson).
DATA_RUNG_LABELS = {
    "audio": _l("Audio only"),
    "lowest": _l("Lowest"),
    "low": _l("Low"),
    "medium": _l("Medium"),
    "auto": _l("Auto"),
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


# Babel's territories that are regions or groupings, not countries a school is in.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@functools.cache
def _countries(language: str) -> dict[str, str]:
    """Code → name of every country in ``language``, by name ("Égypte" among the E's):
    sorted once a process per language, not on every page of Me (some 0.6 ms each)."""
    names = {
        code: name
        for code, name in Locale.parse(language).territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }

    def by_name(code: str) -> str:
        decomposed = unicodedata.normalize("NFKD", names[code])
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    return {code: names[code] for code in sorted(names, key=by_name)}


def country_choices(current: str | None = None) -> list[SelectChoice]:
    """Every country, named in the reader's language (Babel's territories): the programme's
    country first, then the person's own, then the rest by name."""
    names = _countries(str(get_locale()))
    first = [code for code in (current_app.config["DEFAULT_REGION"], current) if code in names]
    return [SelectChoice("", _("Not said"))] + [
        SelectChoice(code, names[code]) for code in dict.fromkeys([*first, *names])
    ]


def choices(mapping) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]


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


def _identifier_field():
    """Email or phone number, in one box, so ``type="text"`` with the ordinary keyboard. On
    Android ``type="email"`` or ``inputmode="email"`` opens a keyboard made for addresses,
    and ``inputmode="tel"`` a dial pad with no letters and no @, which would shut out
    everyone who signs in by email. The ordinary keyboard has the @ and the letters, and
    its digits are one tap away (a long press on the top row, or the number row that most
    keyboards offer). ``autocomplete="username"`` lets the phone's password manager fill
    it; capitals, corrections and spell-check are off, as they mangle addresses and split
    numbers."""
    return StringField(
        _l("Email or phone number"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={
            "inputmode": "text",
            "autocomplete": "username",
            "autocapitalize": "none",
            "autocorrect": "off",
            "spellcheck": "false",
        },
    )


def _phone_field(label):
    return TelField(label, validators=[Optional(), Length(max=32)])


def phone_hint() -> str:
    """How to write a number: as dialled in the programme's country, or with the code."""
    region = current_app.config["DEFAULT_REGION"]
    if region:
        return _(
            "For example %(local)s or %(international)s.",
            local=phone_example(region, national=True),
            international=phone_example(region),
        )
    return _("With the country code, for example %(example)s.", example=phone_example())


class PhoneHintMixin:
    """Forms with a phone field: its hint shows this programme's way of writing numbers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone.description = phone_hint()


class SignInForm(Form):
    identifier = _identifier_field()
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
    """For an invitation read out over the phone: who you are, the code, then as above; the
    name only if the invitation gave none (or the person wants another)."""

    identifier = _identifier_field()
    name = StringField(
        _l("Your name"),
        description=_l("Leave it empty to keep the name your programme gave you."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class ResetPasswordForm(Form):
    identifier = _identifier_field()
    code = StringField(
        _l("Reset code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )
    password, confirm = _new_password_fields()


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    locale = SelectField(_l("Language"), choices=choices(LANGUAGES))
    timezone = SelectField(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(getattr(kwargs.get("obj"), "timezone", None))
        self.country.choices = country_choices(getattr(kwargs.get("obj"), "country", None))

    data_rung = SelectField(
        _l("Data saver: what lessons play unless I choose otherwise"),
        choices=choices({name: DATA_RUNG_LABELS[name] for name in DATA_RUNGS}),
        description=_l("Low keeps the text on slides readable, for 0.5 to 1.4 MB a minute."),
    )
    data_limit_mb = IntegerField(
        _l("Monthly limit in MB (Auto stays within it; leave empty for none)"),
        validators=[Optional(), NumberRange(min=1, max=100_000)],
    )


class DataRungForm(Form):
    """The player's one-tap data-saver choice (the same setting as on Me)."""

    data_rung = SelectField(choices=choices({name: DATA_RUNG_LABELS[name] for name in DATA_RUNGS}))


class InviteForm(PhoneHintMixin, KeyedForm):
    """A new account and its invitation."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = _phone_field(_l("Phone number"))
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(ROLE_LABELS),
        default=[Role.LEADER.value],
        validators=[AtLeastOne(_l("Choose at least one role."))],
    )


class AccountForm(PhoneHintMixin, Form):
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = _phone_field(_l("Phone number"))
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(ROLE_LABELS),
        validators=[AtLeastOne(_l("Choose at least one role."))],
    )
    active = BooleanField(_l("May sign in"))
