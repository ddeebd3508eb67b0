"""What every programme service shares: its error, and pauses that let requests run."""

from __future__ import annotations

import time

from app.errors import ServiceError


def let_requests_run() -> None:
    """Under gevent (``make run``) the in-process workers and every request are greenlets
    of one thread: long work (the import job, checking a large file) yields to the others
    between slices of CPU work, so none waits more than a fraction of a second. Elsewhere
    it costs a millisecond. Not ``sleep(0)``: gevent may run this greenlet again before
    its loop looks at the waiting connections."""
    time.sleep(0.001)


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
