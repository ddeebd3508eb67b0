"""The form every area's forms derive from: Flask-WTF's, with the check every text needs.

No text column can hold a NUL character (``\\x00``): PostgreSQL refuses it outright. A form
takes it out of any field that holds one, so the page sent back keeps everything typed
but that invisible character, and refuses the post with an error at the field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

NUL_ERROR = _l(
    "This held an invisible character (NUL) that cannot be saved; it is taken out now. "
    "Check the text and send it again."
)


class Form(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        with_nul = [field for field in self if isinstance(field.data, str) and "\x00" in field.data]
        for field in with_nul:
            field.data = field.data.replace("\x00", "")
        valid = super().validate(extra_validators)
        for field in with_nul:
            field.errors.append(NUL_ERROR)
        return valid and not with_nul
