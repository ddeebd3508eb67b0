"""Each role's bottom tabs (which, in what order, which one is current) and home cards, on
the pages of every area: written down from the hand-made lists, so the areas' own
contributions must give the same, page for page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in

PAGES = (
    "/",
    "/learn/",
    "/groups/",
    "/coaching/",
    "/coaching/pairings",
    "/practices/",
    "/people",
    "/people/invite",
    "/studio/",
    "/programme/",
    "/programme/people/{me}/data",
    "/frameworks/",
    "/notifications/",
    "/me",
)

LEARNER_TABS = [
    "Learn /learn/",
    "Groups /groups/",
    "Coaching /coaching/",
    "Practices /practices/",
    "Me /me",
]
ADMIN_TABS = ["Home /", "People /people", "Studio /studio/", "Programme /programme/", "Me /me"]
ADMIN_CARDS = [
    "Frameworks /frameworks/",
    "Studio /studio/",
    "Peer groups /groups/",
    "Coaching pairs /coaching/pairings",
    "Practices to review /practices/reviews",
    "Programme /programme/",
    "People /people",
    "Your profile /me",
]

# roles: (tabs, {page: (status, the current tab)}, the home page's cards (None: Learn instead))
EXPECTED = {
    ("leader",): (
        LEARNER_TABS,
        {
            "/": (200, "Learn"),
            "/learn/": (200, "Learn"),
            "/groups/": (200, "Groups"),
            "/coaching/": (200, "Coaching"),
            "/coaching/pairings": (403, "Coaching"),
            "/practices/": (200, "Practices"),
            "/me": (200, "Me"),
        },
        None,
    ),
    ("coach",): (
        ["Home /", "Groups /groups/", "Coaching /coaching/", "Practices /practices/", "Me /me"],
        {
            "/": (200, "Home"),
            "/groups/": (200, "Groups"),
            "/coaching/": (200, "Coaching"),
            "/coaching/pairings": (403, "Coaching"),
            "/practices/": (200, "Practices"),
            "/me": (200, "Me"),
        },
        ["Coaching /coaching/", "Practices to review /practices/reviews", "Your profile /me"],
    ),
    ("coach", "leader"): (
        LEARNER_TABS,
        {
            "/": (200, "Learn"),
            "/learn/": (200, "Learn"),
            "/groups/": (200, "Groups"),
            "/coaching/": (200, "Coaching"),
            "/coaching/pairings": (403, "Coaching"),
            "/practices/": (200, "Practices"),
            "/me": (200, "Me"),
        },
        None,
    ),
    ("author",): (
        ["Home /", "Studio /studio/", "Me /me"],
        {"/": (200, "Home"), "/studio/": (200, "Studio"), "/me": (200, "Me")},
        ["Studio /studio/", "Your profile /me"],
    ),
    ("admin",): (
        ADMIN_TABS,
        {
            "/": (200, "Home"),
            "/groups/": (200, None),
            "/coaching/": (200, None),
            "/coaching/pairings": (200, None),
            "/practices/": (200, None),
            "/people": (200, "People"),
            "/people/invite": (200, "People"),
            "/studio/": (200, "Studio"),
            "/programme/": (200, "Programme"),
            "/programme/people/{me}/data": (200, "People"),  # reached from the person's page
            "/frameworks/": (200, None),
            "/me": (200, "Me"),
        },
        ADMIN_CARDS,
    ),
    ("admin", "coach"): (
        [
            "Home /",
            "Groups /groups/",
            "Coaching /coaching/",
            "Practices /practices/",
            *ADMIN_TABS[1:],
        ],
        {
            "/": (200, "Home"),
            "/groups/": (200, "Groups"),
            "/coaching/": (200, "Coaching"),
            "/coaching/pairings": (200, "Coaching"),
            "/practices/": (200, "Practices"),
            "/people": (200, "People"),
            "/people/invite": (200, "People"),
            "/studio/": (200, "Studio"),
            "/programme/": (200, "Programme"),
            "/programme/people/{me}/data": (200, "People"),
            "/frameworks/": (200, None),
            "/me": (200, "Me"),
        },
        [*ADMIN_CARDS[:3], "Coaching /coaching/", *ADMIN_CARDS[3:]],  # one "to review" card
    ),
}


def tabs(html: str) -> tuple[list[str], list[str]]:
    """``label href`` for each tab, and the labels of the current one(s)."""
    nav = html[html.index('<nav class="tabs"') :]
    nav = nav[: nav.index("</nav>")]
    found = re.findall(
        r'<a href="([^"]+)"( aria-current="page")?><svg[^>]*><use[^>]*/></svg>([^<]+)</a>', nav
    )
    return [f"{label} {href}" for href, _, label in found], [label for _, on, label in found if on]


def cards(html: str) -> list[str]:
    """``title href`` for each card of the home page."""
    block = html[html.index('<ul class="cards">') :]
    block = block[: block.index("</ul>")]
    return [f"{t} {href}" for href, t in re.findall(r'<a href="([^"]+)"><b>([^<]+)</b>', block)]


@pytest.mark.parametrize("roles", EXPECTED, ids=" and ".join)
def test_each_role_sees_its_tabs_and_cards(app, make_user, roles):
    expected_tabs, current_on, expected_cards = EXPECTED[roles]
    user = make_user(*roles)
    client = app.test_client()
    sign_in(client, user)
    for page in PAGES:
        response = client.get(page.format(me=user.id), follow_redirects=True)
        status, current = current_on.get(page, (None, None))
        if status is not None:
            assert response.status_code == status, page
        else:  # every other page: its area's 403, or a page of no tab (notifications)
            assert response.status_code in (200, 403), page
        seen, seen_current = tabs(response.get_data(as_text=True))
        assert seen == expected_tabs, page
        assert seen_current == ([current] if current else []), page
    home = client.get("/")
    if expected_cards is None:
        assert home.status_code == 302 and home.location.endswith("/learn/")
    else:
        assert cards(home.get_data(as_text=True)) == expected_cards
