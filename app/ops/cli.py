"""`flask backup create|restore`."""

from . import bp  # noqa: F401
