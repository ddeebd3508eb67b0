"""Every rule of who may do what, registered by the core and the areas, tried on real rows
both ways: a case it allows and a case it refuses. A relationship renamed under a rule
fails here, instead of quietly refusing everyone."""

from __future__ import annotations

import ast
from datetime import date, time
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app import registry
from app.coaching import services as coaching
from app.extensions import db
from app.forms import new_form_key
from app.groups import services as groups
from app.groups.models import MemberRole, Post
from app.learning.models import Lesson
from app.media.models import MediaAsset
from app.practices import services as practices
from app.studio import services as studio
from tests.learning.conftest import framework  # noqa: F401  (fixture)
from tests.studio.conftest import author, studio_course  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def _asset(owner=None) -> MediaAsset:
    asset = MediaAsset(
        key_prefix=f"asset-{owner.id if owner else 0}-{id(object())}",
        source_key="x/source",
        status="ready",
        progress=100.0,
        owner_id=owner.id if owner else None,
    )
    db.session.add(asset)
    db.session.flush()
    return asset


@pytest.fixture
def w(make_user, author, studio_course):  # noqa: F811
    """Grace (a leader) coached by Joseph, in a group Joseph moderates with an open and a
    locked thread; Priya's published course and her draft, each lesson playing a video;
    an admin, another coach, another author, and nobody signed in."""
    w = SimpleNamespace(
        leader=make_user("leader", name="Grace"),
        other_leader=make_user("leader", name="Baraka"),
        coach=make_user("coach", name="Joseph"),
        other_coach=make_user("coach"),
        author=author,
        other_author=make_user("author"),
        admin=make_user("admin"),
        anonymous=AnonymousUserMixin(),
    )
    coaching.pair(w.coach, w.leader)
    w.check_in = coaching.schedule_check_in(
        w.coach, w.leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )

    w.live, w.draft = studio_course(author, title="Live course"), studio_course(author)
    w.live_lesson, w.draft_lesson = (
        db.session.scalars(select(Lesson).where(Lesson.course_id == c.id)).one()
        for c in (w.live, w.draft)
    )
    studio.publish_lesson(w.live_lesson)
    studio.publish_course(w.live)
    w.live_video, w.draft_video = _asset(), _asset(author)
    w.live_lesson.media_asset_id = w.live_video.id
    w.draft_lesson.media_asset_id = w.draft_video.id
    db.session.commit()

    w.group = groups.create_group("Kibera cluster")
    groups.add_member(w.group, w.leader)
    groups.add_member(w.group, w.coach, MemberRole.MODERATOR)
    w.open = groups.start_thread(w.group, w.leader, "Reading corners", "How?", "k1")
    w.locked = groups.start_thread(w.group, w.leader, "Closed", "Done.", "k2")
    groups.set_thread_flag(w.locked, w.coach, "locked", True)
    w.post = db.session.get(Post, w.open.first_post_id)
    w.hidden = db.session.get(Post, w.locked.first_post_id)
    groups.set_post_hidden(w.hidden, w.coach, True)
    w.member = lambda user: groups.membership_of(user, w.group.id)
    return w


def _practice(w, status: str):
    """Grace's practice brought to ``status`` (made once per test)."""
    made = w.__dict__.setdefault("practices", {})
    if status not in made:
        fields = practices.PracticeFields(title=status, problem="Why.", steps="How.")
        practice = practices.create_practice(w.leader, fields, f"predicate-key-{status}")
        if status != "draft":
            practices.submit_practice(practice, w.leader)
        if status == "approved":
            practices.review_practice(practice, w.coach, "approve", "", f"review-key-{status}")
        made[status] = practice
    return made[status]


#: rule → (the arguments of a case it allows, of a case it refuses), given the rows ``w``
CASES = {
    "is_admin": (lambda w: (w.admin,), lambda w: (w.author,)),
    "can_learn": (lambda w: (w.leader,), lambda w: (w.coach,)),
    "can_author": (lambda w: (w.admin,), lambda w: (w.leader,)),
    "is_leader_or_coach": (lambda w: (w.coach,), lambda w: (w.author,)),
    "can_manage_people": (lambda w: (w.admin,), lambda w: (w.coach,)),
    "can_run_programmes": (lambda w: (w.admin,), lambda w: (w.author,)),
    "can_manage_frameworks": (lambda w: (w.admin,), lambda w: (w.author,)),
    "can_coach": (lambda w: (w.coach, w.leader), lambda w: (w.other_coach, w.leader)),
    "can_manage_pairings": (lambda w: (w.admin,), lambda w: (w.coach,)),
    "can_see_check_in": (
        lambda w: (w.leader, w.check_in),
        lambda w: (w.other_coach, w.check_in),
    ),
    "can_change_check_in": (
        lambda w: (w.coach, w.check_in),
        lambda w: (w.admin, w.check_in),  # the pair's, not an admin's
    ),
    "can_see_private_notes": (
        lambda w: (w.coach, w.check_in),
        lambda w: (w.leader, w.check_in),
    ),
    "can_edit_course": (lambda w: (w.author, w.draft), lambda w: (w.other_author, w.draft)),
    "can_view_lesson": (
        lambda w: (w.author, w.draft_lesson),  # a draft, previewed by its author
        lambda w: (w.leader, w.draft_lesson),
    ),
    "can_manage_media": (
        lambda w: (w.author, w.live_video),  # used by a lesson of her course
        lambda w: (w.other_author, w.draft_video),
    ),
    "can_view_media": (
        lambda w: (w.leader, w.live_video),  # a published lesson plays it
        lambda w: (w.leader, w.draft_video),
    ),
    "can_use_groups": (lambda w: (w.leader,), lambda w: (w.author,)),
    "can_manage_groups": (lambda w: (w.admin,), lambda w: (w.coach,)),
    "can_view_group": (
        lambda w: (w.admin, None),  # an admin reads a group they are not in
        lambda w: (w.other_coach, None),
    ),
    "can_moderate_group": (
        lambda w: (w.coach, w.member(w.coach)),
        lambda w: (w.leader, w.member(w.leader)),
    ),
    "can_post_in_group": (
        lambda w: (w.leader, w.member(w.leader)),
        lambda w: (w.admin, None),  # admins read, and post only once added
    ),
    "can_reply_to_thread": (
        lambda w: (w.leader, w.member(w.leader), w.open),
        lambda w: (w.leader, w.member(w.leader), w.locked),
    ),
    "can_pass_lock": (
        lambda w: (w.coach, w.member(w.coach), w.locked),
        lambda w: (w.leader, w.member(w.leader), w.locked),
    ),
    "can_see_post": (
        lambda w: (w.coach, w.member(w.coach), w.hidden),  # hidden: for moderators
        lambda w: (w.leader, w.member(w.leader), w.hidden),
    ),
    "can_edit_post": (
        lambda w: (w.leader, w.member(w.leader), w.post),
        lambda w: (w.coach, w.member(w.coach), w.post),
    ),
    "can_report_post": (
        lambda w: (w.coach, w.member(w.coach), w.post),
        lambda w: (w.leader, w.member(w.leader), w.post),  # one's own
    ),
    "can_use_practices": (lambda w: (w.coach,), lambda w: (w.author,)),
    "can_share_practices": (lambda w: (w.leader,), lambda w: (w.coach,)),
    "can_edit_practice": (
        lambda w: (w.leader, _practice(w, "draft")),
        lambda w: (w.leader, _practice(w, "submitted")),  # with its reviewer now
    ),
    "can_review_practice": (
        lambda w: (w.coach, _practice(w, "submitted")),  # the author's coach
        lambda w: (w.other_coach, _practice(w, "submitted")),
    ),
    "is_practice_reviewer": (
        lambda w: (w.admin, _practice(w, "approved")),
        lambda w: (w.other_coach, _practice(w, "submitted")),
    ),
    "can_try_practice": (
        lambda w: (w.other_leader, _practice(w, "approved")),
        lambda w: (w.leader, _practice(w, "approved")),  # one's own
    ),
}


def test_every_registered_rule_is_tried_both_ways(app):
    assert set(CASES) == set(registry.PREDICATES)


def test_templates_see_every_registered_rule(app):
    assert all(app.jinja_env.globals[name] is rule for name, rule in registry.PREDICATES.items())


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_allows_and_refuses(w, name):
    rule = registry.PREDICATES[name]
    allowed, refused = CASES[name]
    assert rule(*allowed(w)) is True
    assert rule(*refused(w)) is False
    assert not rule(w.anonymous, *allowed(w)[1:])  # nobody signed in: never


def test_two_rules_of_one_name_are_refused():
    def can_learn(user):  # another area's rule that would hide the core's in templates
        return True

    with pytest.raises(ValueError, match="written twice"):
        registry.predicate(can_learn)


def test_the_core_rules_reach_no_area_s_rows():
    """app/permissions.py asks only a person's roles: no getattr on a name an area may
    rename (the rules that read an area's rows are that area's own)."""
    tree = ast.parse((ROOT / "app" / "permissions.py").read_text())
    calls = [
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    assert "getattr" not in calls and "hasattr" not in calls
