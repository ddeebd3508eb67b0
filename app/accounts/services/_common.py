"""What the accounts services share: the error they raise."""

from __future__ import annotations

from app.errors import ServiceError


class AccountError(ServiceError):
    """A problem with an account the person can fix, with a message that says how."""
