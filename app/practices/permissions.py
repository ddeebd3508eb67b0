"""Who may do what with practices.

- Leaders share practices (write, edit while a draft or asked to change, submit).
- **Reviewers are the author's coach** (the one paired with them when they submit), and
  admins for a leader with no coach. Why the coach and not a programme role or a group's
  moderators: every leader has one (pairing is how the programme runs), the coach knows the
  school and the improvement priority the practice answers, and reviewing is the "support
  and challenge" a coach already gives; a new role would need admins to staff it, and a
  group's moderators see only their group.
- Who reads a practice: its author always; once **approved**, everyone in its programme
  (leaders of the programme's cohorts, every coach and admin; a practice whose author was
  in no programme, everyone); **before**, its reviewer, admins, and the members of the
  author's groups (a draft is its author's alone until submitted). The rule is one SQL
  condition (:func:`visible_to`), so the library and a practice's page read it alike.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import aliased

from app.extensions import db
from app.groups.models import GroupMember
from app.media.permissions import VIEW_ASSET
from app.permissions import is_admin, signed_in
from app.programmes.models import Cohort, CohortMember
from app.registry import grant, predicate
from app.roles import Role

from .models import Practice, Status


@predicate
def can_use_practices(user) -> bool:
    """The library: leaders, coaches and admins."""
    return signed_in(user) and (
        user.has_role(Role.LEADER) or user.has_role(Role.COACH) or user.has_role(Role.ADMIN)
    )


@predicate
def can_share_practices(user) -> bool:
    """Write practices of one's own: leaders."""
    return signed_in(user) and user.has_role(Role.LEADER)


@predicate
def can_edit_practice(user, practice) -> bool:
    """Its author, while it is a draft or its reviewer asked for changes."""
    return (
        can_share_practices(user)
        and practice.author_id == user.id
        and practice.status in (Status.DRAFT, Status.CHANGES)
    )


@predicate
def is_practice_reviewer(user, practice) -> bool:
    """Who reviews a practice: the reviewer it was sent to (the author's coach), or an
    admin; never its own author."""
    if not signed_in(user) or practice.author_id == user.id:
        return False
    if is_admin(user):
        return True
    return practice.reviewer_id == user.id and user.has_role(Role.COACH)


@predicate
def can_review_practice(user, practice) -> bool:
    """Approve or ask for changes: its reviewer (:func:`is_practice_reviewer`), while it is
    submitted."""
    return practice.status == Status.SUBMITTED and is_practice_reviewer(user, practice)


@predicate
def can_try_practice(user, practice) -> bool:
    """Say "I'll try this" and how it went: a leader, of an approved practice not theirs."""
    return (
        can_share_practices(user)
        and practice.status == Status.APPROVED
        and practice.author_id != user.id
    )


def reader_kind(user) -> str | None:
    """Which of :func:`visible_to`'s rules applies to ``user``: "admin", "coach", "member",
    or None for nobody signed in."""
    if not signed_in(user):
        return None
    if is_admin(user):
        return "admin"
    return "coach" if user.has_role(Role.COACH) else "member"


def visible_to(user):
    """The condition on ``practices`` that holds for what ``user`` may read (the module's
    docstring); a statement of its own for nobody."""
    kind = reader_kind(user)
    return false() if kind is None else visible_to_kind(kind, user.id)


def visible_to_kind(kind: str, user_id):
    """:func:`visible_to` for a reader of ``kind`` (:func:`reader_kind`) whose id is
    ``user_id``: a value, or a bound parameter where a statement is built once."""
    mine = Practice.author_id == user_id
    if kind == "admin":
        return or_(mine, Practice.status != Status.DRAFT)
    if kind == "coach":
        in_programme = true()
    else:
        in_programme = or_(
            Practice.programme_id.is_(None),
            select(CohortMember.user_id)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(CohortMember.user_id == user_id, Cohort.programme_id == Practice.programme_id)
            .exists(),
        )
    theirs, reader = aliased(GroupMember), aliased(GroupMember)
    shares_group = (
        select(theirs.user_id)
        .join(reader, reader.group_id == theirs.group_id)
        .where(theirs.user_id == Practice.author_id, reader.user_id == user_id)
        .exists()
    )
    under_review = and_(
        Practice.status.in_((Status.SUBMITTED, Status.CHANGES)),
        or_(Practice.reviewer_id == user_id, shares_group),
    )
    return or_(mine, and_(Practice.status == Status.APPROVED, in_programme), under_review)


def _shows_video(user, asset) -> bool:
    """Media asks who may play an asset: whoever may read a practice it is the video of."""
    return bool(
        db.session.scalar(
            select(Practice.id).where(Practice.video_asset_id == asset.id, visible_to(user))
        )
    )


grant(VIEW_ASSET, _shows_video)
