"""Reviewing a submitted practice: the reviewer comments, asks for changes or approves,
and the author is told either way. Each review is a row added once per form (its key);
the practice moves only from "submitted", so a second tap of "approve" moves nothing."""

from __future__ import annotations

from sqlalchemy import select, update

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.form_keys import claim_form_key
from app.notifications import services as notifications

from ..models import DECISIONS, Practice, PracticeReview, Status
from ..permissions import can_review_practice
from ._common import N_, PracticeError, practice_path

COMMENT_MAX = 2000

notifications.kind("practices.approved", N_("Your practice is approved and shared: %(title)s"))
notifications.kind("practices.changes", N_("%(name)s asks for changes to your practice: %(title)s"))
notifications.kind("practices.comment", N_("%(name)s commented on your practice: %(title)s"))

_MOVES = {"approve": Status.APPROVED, "changes": Status.CHANGES}


def review_practice(
    practice: Practice, reviewer: User, decision: str, comment: str, key: str
) -> PracticeReview:
    """The reviewer's word on ``practice`` (see the module's docstring). Asking for changes
    needs a comment that says which. The rule is checked here, whoever calls. Commits."""
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise PracticeError(N_("Choose approve, ask for changes or comment."), "decision")
    if decision in ("changes", "comment") and not comment:
        raise PracticeError(N_("Say what you would change, so the author can."), "comment")
    if len(comment) > COMMENT_MAX:
        raise PracticeError(N_("This is at most %(max)d characters."), "comment", max=COMMENT_MAX)
    claim = claim_form_key(reviewer.id, key, "practices.review", PracticeError)
    if not claim.added:
        db.session.commit()
        return db.session.get(PracticeReview, claim.row_id)
    db.session.refresh(practice)
    if not can_review_practice(reviewer, practice):
        db.session.rollback()
        raise PracticeError(N_("This practice is not waiting for your review."))
    now = utcnow()
    review = PracticeReview(
        practice_id=practice.id,
        reviewer_id=reviewer.id,
        decision=decision,
        comment=comment,
        created_at=now,
    )
    db.session.add(review)
    db.session.flush()
    claim.record(review.id)
    moved = True
    if decision in _MOVES:
        values = {"status": _MOVES[decision], "reviewer_id": reviewer.id}
        if decision == "approve":
            values["approved_at"] = now
        moved = db.session.execute(
            update(Practice)
            .where(Practice.id == practice.id, Practice.status == Status.SUBMITTED)
            .values(**values)
        ).rowcount
    if not moved:  # another reviewer's decision came first
        db.session.rollback()
        raise PracticeError(N_("This practice is not waiting for your review."))
    if practice.author_id is not None:
        notifications.notify(
            practice.author_id,
            f"practices.{'comment' if decision == 'comment' else _kind(decision)}",
            url=practice_path(practice.id),
            dedupe_key=f"practices.review:{review.id}",
            name=reviewer.display_name,
            title=practice.title,
        )
    db.session.commit()
    db.session.refresh(practice)
    return review


def _kind(decision: str) -> str:
    return "approved" if decision == "approve" else "changes"


def reviews_of(practice: Practice) -> list[PracticeReview]:
    return list(
        db.session.scalars(
            select(PracticeReview)
            .where(PracticeReview.practice_id == practice.id)
            .order_by(PracticeReview.id)
        )
    )


def review_queue(reviewer: User, *, every: bool) -> list[Practice]:
    """Submitted practices waiting for ``reviewer`` (``every``: an admin's, all of them),
    oldest first."""
    query = select(Practice).where(Practice.status == Status.SUBMITTED)
    if not every:
        query = query.where(Practice.reviewer_id == reviewer.id)
    return list(db.session.scalars(query.order_by(Practice.submitted_at, Practice.id)))
