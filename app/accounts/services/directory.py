"""Finding people in lists an admin reads: a search as people write names, numbers,
addresses and schools, and pages of a bounded size, so a programme of 25,000 leaders is one
page of fifty at a time, never the whole list on a phone."""

from __future__ import annotations

import re

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select

from app.extensions import db

from ..models import User
from ._common import AccountError
from .people import normalize_phone

PER_PAGE = 50
MAX_QUERY = 100  # characters of a search that are read


def matching(query: str):
    """The condition for people whose name, e-mail address, school or phone number holds
    ``query``; None for an empty search. A phone number may be written any way people write
    one (``0712 345 678`` with the programme's region, ``+254 712…``) or in part (``345 678``)."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return None
    conditions = [
        User.name.icontains(query, autoescape=True),
        User.email.icontains(query, autoescape=True),
        User.school.icontains(query, autoescape=True),
    ]
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3 and re.fullmatch(r"[\d\s()+.-]+", query):
        conditions.append(User.phone.contains(digits, autoescape=True))
        try:
            number = normalize_phone(query)
        except AccountError:
            number = None
        if number:
            conditions.append(User.phone == number)
    return or_(*conditions)


def search_people(statement: Select, query: str) -> Select:
    """``statement`` (over ``User``) narrowed to the people ``query`` finds."""
    condition = matching(query)
    return statement if condition is None else statement.where(condition)


def page_of(statement: Select, number: int) -> Pagination:
    """Page ``number`` (from 1) of ``statement``'s rows, ``PER_PAGE`` to a page: two
    statements (the count and the page) whatever the number of people."""
    return db.paginate(statement, page=number, per_page=PER_PAGE, error_out=False, count=True)


def people_page(query: str, number: int) -> Pagination:
    """Everyone with an account, by name, narrowed by ``query``: the admin's People page."""
    return page_of(search_people(select(User).order_by(User.name, User.id), query), number)
