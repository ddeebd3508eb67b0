"""The roles a person can hold. Every area may import this module: it imports none of them."""

from enum import StrEnum


class Role(StrEnum):
    LEADER = "leader"
    COACH = "coach"
    AUTHOR = "author"
    ADMIN = "admin"
