"""Groups' pages: what members do (``members``) and what admins and moderators do to run
groups (``manage``)."""

from . import manage, members  # noqa: F401  (registers views on bp)
