"""Forms of the groups area; each works as a plain HTML form. Forms that add a row are
keyed (``app.forms.KeyedForm``), so the same form sent twice adds it once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, IdField, KeyedForm, single_line_breaks

from .models import MemberRole
from .services import BODY_MAX


class PostForm(KeyedForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[
            Length(max=BODY_MAX, message=_l("A post is at most %(max)d characters.")),
        ],
        filters=[single_line_breaks],
        description=_l("**bold**, *italic*, lists with -, links. @Name tells a member."),
    )
    quoted_post_id = IdField(
        validators=[Optional()],
        invalid_message=_l("The post you quoted was not found. Send again without the quote."),
    )
    photo = FileField(
        _l("Photo (optional)"),
        validators=[FileAllowed(["jpg", "jpeg", "png", "webp"], _l("Choose a JPEG or PNG photo."))],
    )


class ThreadForm(PostForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Give the thread a title.")),
            Length(max=200, message=_l("A title is at most %(max)d characters.")),
        ],
    )


class EditPostForm(Form):
    body = TextAreaField(
        _l("Your post"),
        validators=[Length(max=BODY_MAX, message=_l("A post is at most %(max)d characters."))],
        filters=[single_line_breaks],
    )


class ReportForm(Form):
    reason = TextAreaField(
        _l("What is wrong with this post?"),
        validators=[
            DataRequired(message=_l("Say what is wrong with this post.")),
            Length(max=500, message=_l("A reason is at most %(max)d characters.")),
        ],
    )


class ActionForm(Form):
    """Only the CSRF token: the action is in the URL."""


class GroupForm(KeyedForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the group a name.")),
            Length(max=120, message=_l("A group's name is at most %(max)d characters.")),
        ],
    )
    description = TextAreaField(_l("About this group"), validators=[Length(max=2000)])


class MemberForm(Form):
    identifier = StringField(
        _l("E-mail or phone number"),
        validators=[DataRequired(message=_l("Give the person's e-mail or phone number."))],
    )
    role = SelectField(
        _l("Role in the group"),
        choices=[
            SelectChoice(MemberRole.MEMBER.value, _l("Member")),
            SelectChoice(MemberRole.MODERATOR.value, _l("Moderator")),
        ],
        default=MemberRole.MEMBER.value,
    )
