"""The lists an admin reads come a page at a time and can be searched as people write names,
numbers, addresses and schools: People (and a cohort's leaders, tests/programmes)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from app.accounts.models import User, UserRole
from app.extensions import db


def many_leaders(count: int, prefix: str = "Leader") -> list[int]:
    """``count`` leaders inserted at once (the factory would make each one by one)."""
    rows = [
        {"name": f"{prefix} {n:04d}", "email": f"{prefix.lower()}{n}@bulk.example", "school": ""}
        for n in range(count)
    ]
    db.session.execute(insert(User), rows)
    ids = [
        user.id
        for user in db.session.query(User).filter(
            User.email.like(f"{prefix.lower()}%@bulk.example")
        )
    ]
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "leader"} for i in ids])
    db.session.commit()
    return ids


@pytest.fixture
def admin(make_user, login):
    person = make_user("admin", name="Fatuma Hassan")
    login(person)
    return person


def test_people_come_fifty_to_a_page_with_the_same_statements_whatever_the_count(
    app, client, admin, count_queries
):
    many_leaders(120)
    with count_queries() as few:
        first = client.get("/people").get_data(as_text=True)
    assert first.count('id="person-') == 50 and "121 people" in first
    assert "Page 1 of 3" in first and 'rel="next" href="/people?page=2"' in first
    third = client.get("/people?page=3").get_data(as_text=True)
    assert third.count('id="person-') == 21 and 'rel="prev"' in third and 'rel="next"' not in third
    many_leaders(500, prefix="More")
    with count_queries() as many:
        client.get("/people")
    assert many.count == few.count
    # A page past the end, or not a number, is no error.
    assert client.get("/people?page=99").status_code == 200
    assert client.get("/people?page=²").get_data(as_text=True).count('id="person-') == 50


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ("grace", "Grace Wanjiru"),  # part of a name, any case
        ("0712 345 678", "Grace Wanjiru"),  # a number as dialled in Kenya
        ("+254 712-345-678", "Grace Wanjiru"),
        ("345 678", "Grace Wanjiru"),  # part of a number
        ("AMANI@example", "Amani Mutesi"),  # part of an address
        ("nyamirambo", "Amani Mutesi"),  # the school
    ],
)
def test_people_are_found_as_people_write_them(
    app, client, admin, make_user, monkeypatch, query, finds
):
    monkeypatch.setitem(app.config, "DEFAULT_REGION", "KE")
    make_user("leader", name="Grace Wanjiru", phone="+254712345678", email=None)
    make_user("leader", name="Amani Mutesi", email="amani@example.org", school="Nyamirambo")
    page = client.get("/people", query_string={"q": query}).get_data(as_text=True)
    assert finds in page and "1 person" in page
    assert ({"Grace Wanjiru", "Amani Mutesi"} - {finds}).pop() not in page


def test_a_search_is_text_not_a_pattern(client, admin, make_user):
    make_user("leader", name="Grace Wanjiru")
    page = client.get("/people", query_string={"q": "%"}).get_data(as_text=True)
    assert "Grace Wanjiru" not in page and "Nobody matches." in page


def test_the_search_and_pages_swap_the_list_alone_and_keep_the_search(client, admin):
    many_leaders(60, prefix="Kibera")
    fragment = client.get("/people?q=kibera&page=2", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.startswith('<section id="people">')
    assert body.count('id="person-') == 10 and 'href="/people?page=1&amp;q=kibera"' in body


def test_only_an_admin_reads_people(client, make_user, login):
    login(make_user("coach", "leader"))
    assert client.get("/people?q=a").status_code == 403
