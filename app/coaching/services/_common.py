"""What coaching services refuse, in words a person can act on."""

from app.errors import ServiceError


class CoachingError(ServiceError):
    pass
