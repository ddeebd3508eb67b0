"""Demo data for `make run`: a peer group of the demo leaders, moderated by the demo coach,
with a few threads between head teachers, one about a lesson. Safe to load again: the
group is found by name and every thread and post carries a fixed idempotency key."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts import services as accounts
from app.extensions import db
from app.learning import services as learning

from . import services
from .models import Group, MemberRole

GROUP_NAME = "Nairobi–Kigali head teachers"
GROUP_ABOUT = "Head teachers of primary schools in Kibera, Mathare and Nyamirambo."
GRACE, AMANI, JOSEPH = "+254700000001", "amani@example.org", "coach@example.org"
LESSON = ("leading-learning-essentials", "feedback-teachers-act-on")

# (key, author, title, [(author, body), …]): the first body opens the thread.
THREADS = [
    (
        "demo-reading",
        AMANI,
        "Fifteen minutes of reading before assembly",
        [
            (
                AMANI,
                "We started **15 minutes of reading** before assembly in P3–P5. Attendance at "
                "7:45 went up, but the P5 teachers say it eats into their maths. Has anyone "
                "kept it going past the first term?",
            ),
            (
                GRACE,
                "We did it for a year. What helped:\n\n- older pupils read with the P1 class\n"
                "- the books stay in a box by each door, no library trip\n- teachers read "
                "too, not mark books",
            ),
            (
                JOSEPH,
                "@Amani ask the P5 teachers to pick one day a week for maths practice in that "
                "slot. Ownership matters more than the minutes.",
            ),
        ],
    ),
    (
        "demo-meetings",
        JOSEPH,
        "Staff meetings in 30 minutes",
        [
            (
                JOSEPH,
                "Our staff meetings ran to two hours and decided nothing. We now keep to 30 "
                "minutes: one learning question, one decision, notices on paper. How do you "
                "run yours?",
            ),
            (
                GRACE,
                "We stand for the first ten minutes. It is amazing how short the notices "
                "become. *Only items that need the whole staff.*",
            ),
        ],
    ),
]
LESSON_POSTS = [
    (
        GRACE,
        "After this lesson I asked each teacher to write one thing a pupil will *do* "
        "differently tomorrow. Half wrote general praise at first. Anyone else seen this?",
    ),
    (
        AMANI,
        "Yes! We practised in pairs with real exercise books for 10 minutes at the staff "
        "meeting. The second week was much better. @Grace try giving them one example first.",
    ),
]


def load_demo_groups() -> list[str]:
    """Create the demo group, its members and threads where missing; what happened."""
    people = {key: accounts.find_user(key) for key in (GRACE, AMANI, JOSEPH)}
    if None in people.values():
        return ["Demo group skipped: load the demo people first."]
    group = db.session.scalar(select(Group).where(Group.name == GROUP_NAME))
    created = group is None
    if created:
        group = services.create_group(GROUP_NAME, GROUP_ABOUT)
    services.add_member(group, people[GRACE])
    services.add_member(group, people[AMANI])
    services.add_member(group, people[JOSEPH], MemberRole.MODERATOR)
    for key, author, title, posts in THREADS:
        (first_author, first_body), *replies = posts
        thread = services.start_thread(group, people[author], title, first_body, key)
        _replies(thread, people, replies, key)
    lesson = learning.find_lesson(*LESSON)
    if lesson is not None and services.first_group_of(people[GRACE]).id == group.id:
        thread = services.lesson_discussion(people[GRACE], lesson)
        _replies(thread, people, LESSON_POSTS, "demo-lesson")
    return [f"Demo group “{GROUP_NAME}” {'created' if created else 'already there'}."]


def _replies(thread, people, posts, key: str) -> None:
    for n, (author, body) in enumerate(posts, start=1):
        membership = services.membership_of(people[author], thread.group_id)
        services.reply(thread, membership, people[author], body, f"{key}-{n}")
