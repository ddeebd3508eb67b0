"""Writing a practice: a new draft (once, however often its form is sent), editing it
while it is the author's to change, and sending it for review."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update

from app.accounts.models import User
from app.coaching.models import CoachPairing
from app.db import upsert, utcnow
from app.extensions import db
from app.form_keys import claim_form_key
from app.frameworks.models import Competency
from app.notifications import services as notifications
from app.programmes.models import Cohort, CohortMember

from ..models import Practice, PracticeCompetency, PracticeErasureChoice, Status
from ._common import N_, PracticeError, fold, practice_path

TITLE_MAX = 200
TEXT_MAX = 5000
LANGUAGES = ("en", "fr", "sw")

notifications.kind(
    "practices.submitted", N_("%(name)s shared a practice for you to review: %(title)s")
)


@dataclass
class PracticeFields:
    """What the author writes; ``competency_ids`` the competencies it shows."""

    title: str
    problem: str
    steps: str
    takes: str = ""
    evidence: str = ""
    language: str = "en"
    competency_ids: tuple[int, ...] = ()


def _checked(fields: PracticeFields) -> PracticeFields:
    title = (fields.title or "").strip()
    if not title:
        raise PracticeError(N_("Give the practice a title."), "title")
    if len(title) > TITLE_MAX:
        raise PracticeError(N_("A title is at most %(max)d characters."), "title", max=TITLE_MAX)
    for name in ("problem", "steps", "takes", "evidence"):
        if len(getattr(fields, name) or "") > TEXT_MAX:
            raise PracticeError(N_("This is at most %(max)d characters."), name, max=TEXT_MAX)
    if fields.language not in LANGUAGES:
        raise PracticeError(N_("Choose the language it is written in."), "language")
    return PracticeFields(
        title=title,
        problem=(fields.problem or "").strip(),
        steps=(fields.steps or "").strip(),
        takes=(fields.takes or "").strip(),
        evidence=(fields.evidence or "").strip(),
        language=fields.language,
        competency_ids=tuple(sorted(set(fields.competency_ids or ()))),
    )


def _apply(practice: Practice, fields: PracticeFields) -> None:
    for name in ("title", "problem", "steps", "takes", "evidence", "language"):
        setattr(practice, name, getattr(fields, name))
    practice.search_text = fold("\n".join((fields.title, fields.problem, fields.steps)))
    practice.updated_at = utcnow()
    db.session.flush()
    db.session.execute(
        delete(PracticeCompetency).where(PracticeCompetency.practice_id == practice.id)
    )
    known = db.session.scalars(
        select(Competency.id).where(Competency.id.in_(fields.competency_ids))
    ).all()
    for competency_id in known:
        db.session.add(PracticeCompetency(practice_id=practice.id, competency_id=competency_id))
    db.session.flush()
    db.session.expire(practice, ["competency_links"])


def create_practice(author: User, fields: PracticeFields, key: str) -> Practice:
    """A new draft by ``author``. The same form sent again (its ``key``) gives back the
    draft the first one made, unchanged. Commits."""
    fields = _checked(fields)
    claim = claim_form_key(author.id, key, "practices.add", PracticeError)
    if not claim.added:
        db.session.commit()
        return db.session.get(Practice, claim.row_id)
    practice = Practice(author_id=author.id, status=Status.DRAFT, language=fields.language)
    db.session.add(practice)
    _apply(practice, fields)
    claim.record(practice.id)
    db.session.commit()
    return practice


def update_practice(practice: Practice, author: User, fields: PracticeFields) -> Practice:
    """Save the author's changes, while the practice is theirs to change (a draft, or sent
    back for changes). The same form twice saves the same text twice. Commits."""
    fields = _checked(fields)
    if practice.author_id != author.id or practice.status not in (Status.DRAFT, Status.CHANGES):
        raise PracticeError(N_("This practice is with its reviewer: it cannot be changed now."))
    _apply(practice, fields)
    db.session.commit()
    return practice


def _author_place(author_id: int) -> tuple[int | None, str]:
    """The programme and region of the author's latest cohort: (None, "") in none."""
    row = db.session.execute(
        select(Cohort.programme_id, CohortMember.region)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == author_id)
        .order_by(CohortMember.joined_at.desc())
        .limit(1)
    ).first()
    return (row.programme_id, row.region) if row else (None, "")


def submit_practice(practice: Practice, author: User) -> bool:
    """Send the practice to its reviewer: the author's coach (none: the admins), who is
    told. Sending it again while it is with them changes nothing. Commits; False when it
    was already sent."""
    if practice.author_id != author.id:
        raise PracticeError(N_("Only its author sends a practice for review."))
    if practice.status == Status.APPROVED:
        raise PracticeError(N_("This practice is already approved."))
    if not practice.steps or not practice.problem:
        raise PracticeError(N_("Say the problem it answers and what you do before sending it."))
    reviewer_id = db.session.scalar(
        select(CoachPairing.coach_id).where(CoachPairing.leader_id == author.id)
    )
    programme_id, region = _author_place(author.id)
    now = utcnow()
    moved = db.session.execute(
        update(Practice)
        .where(
            Practice.id == practice.id,
            Practice.status.in_((Status.DRAFT, Status.CHANGES)),
        )
        .values(
            status=Status.SUBMITTED,
            submitted_at=now,
            reviewer_id=reviewer_id,
            programme_id=programme_id,
            region=region,
        )
    ).rowcount
    if moved and reviewer_id is not None:
        notifications.notify(
            reviewer_id,
            "practices.submitted",
            url=practice_path(practice.id),
            dedupe_key=f"practices.submitted:{practice.id}:{now.isoformat()}",
            name=author.display_name,
            title=practice.title,
        )
    db.session.commit()
    db.session.refresh(practice)
    return bool(moved)


def set_erasure_choice(author: User, remove: bool) -> None:
    """What becomes of the author's approved practices if their data is erased; saying it
    twice holds the last. Commits."""
    values = {"user_id": author.id, "remove": bool(remove), "chosen_at": utcnow()}
    upsert(PracticeErasureChoice, values, key=("user_id",), update=("remove", "chosen_at"))
    db.session.commit()


def removes_on_erasure(user_id: int) -> bool:
    """Whether the person chose that their approved practices go with their data."""
    return bool(
        db.session.scalar(
            select(PracticeErasureChoice.remove).where(PracticeErasureChoice.user_id == user_id)
        )
    )
