"""Who commits, made checkable.

The service function a route, command or job calls is one unit of work and commits before it
returns. A *building block* is a function other services compose into their own transaction
(``media.queue_transcode``, ``studio`` course figures, an ``asset_ready`` receiver): it never
commits, or its caller's work would be stored half-way.

Mark each one with :func:`building_block`. While a marked function runs, a commit on any
session raises :class:`BuildingBlockCommitted` (nothing is stored: the caller's transaction is
still open and its error handling rolls it back), so a building block that commits fails
every test that reaches it, and ``tests/core/test_building_blocks.py`` calls each marked one
under a session whose commit is forbidden. :data:`BUILDING_BLOCKS` lists them by name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")

#: "module.qualname" → the function (unwrapped), for the test that calls each one.
BUILDING_BLOCKS: dict[str, Callable] = {}

_inside: ContextVar[str | None] = ContextVar("building_block", default=None)


class BuildingBlockCommitted(RuntimeError):
    """A building block tried to commit its caller's transaction."""


def building_block(function: Callable[P, R]) -> Callable[P, R]:
    """Mark ``function`` as part of its caller's unit of work: it must never commit."""
    name = f"{function.__module__}.{function.__qualname__}"
    BUILDING_BLOCKS[name] = function

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _inside.set(_inside.get() or name)
        try:
            return function(*args, **kwargs)
        finally:
            _inside.reset(token)

    wrapper.building_block = True  # type: ignore[attr-defined]
    return wrapper


def inside_building_block() -> str | None:
    """The outermost building block running now, if any."""
    return _inside.get()


@event.listens_for(Session, "before_commit")
def _refuse_commit_inside_building_block(session: Session) -> None:
    name = _inside.get()
    if name is not None:
        raise BuildingBlockCommitted(f"{name} is a building block: its caller commits, not it")
