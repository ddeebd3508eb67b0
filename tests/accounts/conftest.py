"""Fixtures for the accounts area: statement counts, as the learning area counts them."""

from tests.learning.conftest import count_queries  # noqa: F401
