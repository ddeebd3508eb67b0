"""What every programme service shares: its error, and loops that pause as they go."""

from __future__ import annotations

from app.errors import ServiceError


def pausing(items, pause, every: int = 500):
    """``items`` one by one, calling ``pause()`` after every ``every`` of them: a long
    loop of a job lets requests run (``pause=let_requests_run``) as it goes."""
    for n, item in enumerate(items, 1):
        yield item
        if n % every == 0:
            pause()


def nothing() -> None:
    """A pause that does not pause: the same loops, elsewhere than in a job."""


class ProgrammeError(ServiceError):
    """A problem with a programme, cohort, import or request that an admin can fix."""
