"""What practices contribute to programme reports and to a person's data
(``app/registry.py``): practices shared and tried per person; a person's practices, their
media, the reviews they wrote and their tries to download; and on erasure their drafts and
practices not yet approved go, with their tries, while their approved practices stay,
credited to "a former member" (as groups' posts are: others have tried them and count on
them), unless the leader chose on "Your practices" that they go too. The admin's page of
the person says which, before the admin completes an erasure."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, event, func, select, update

from app import registry
from app.extensions import db
from app.groups import services as groups
from app.media.models import UploadStatus
from app.media.services import resumable

from .models import (
    Practice,
    PracticeCompetency,
    PracticeErasureChoice,
    PracticePhoto,
    PracticeReview,
    PracticeTry,
    PracticeUpload,
    Status,
)
from .services.drafting import removes_on_erasure
from .services.library import for_priority, shared_by
from .services.trying import recount, tries_of


def _export_practices(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Practice.title,
            Practice.language,
            Practice.problem,
            Practice.steps,
            Practice.takes,
            Practice.evidence,
            Practice.status,
            Practice.created_at,
            Practice.submitted_at,
            Practice.approved_at,
        )
        .where(Practice.author_id == user_id)
        .order_by(Practice.id)
    )


def _export_media(user_id: int) -> list[dict]:
    """Their practices' video (its media asset, in the media part of the data) and photos
    (each a JPEG in the media storage, by its key)."""
    videos = registry.rows(
        select(Practice.title.label("practice"), Practice.video_asset_id.label("media_asset"))
        .where(Practice.author_id == user_id, Practice.video_asset_id.is_not(None))
        .order_by(Practice.id)
    )
    photos = registry.rows(
        select(
            Practice.title.label("practice"),
            PracticePhoto.storage_key.label("photo"),
            PracticePhoto.created_at,
        )
        .join(Practice, Practice.id == PracticePhoto.practice_id)
        .where(Practice.author_id == user_id)
        .order_by(PracticePhoto.id)
    )
    return [
        *({"kind": "video", **row} for row in videos),
        *({"kind": "photo", **row} for row in photos),
    ]


def _export_reviews(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Practice.title.label("practice"),
            PracticeReview.decision,
            PracticeReview.comment,
            PracticeReview.created_at,
        )
        .join(Practice, Practice.id == PracticeReview.practice_id)
        .where(PracticeReview.reviewer_id == user_id)
        .order_by(PracticeReview.id)
    )


def _export_tries(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Practice.title.label("practice"),
            PracticeTry.outcome,
            PracticeTry.outcome_note,
            PracticeTry.created_at,
            PracticeTry.reported_at,
        )
        .join(Practice, Practice.id == PracticeTry.practice_id)
        .where(PracticeTry.leader_id == user_id)
        .order_by(PracticeTry.id)
    )


def _erase(user_id: int) -> None:
    """See the module's docstring. The counts of the practices they tried are recounted."""
    tried = select(PracticeTry.practice_id).where(PracticeTry.leader_id == user_id)
    tried_ids = list(db.session.scalars(tried))
    _erase_uploads(user_id)  # before their practices go, with the uploads into them
    db.session.execute(delete(PracticeTry).where(PracticeTry.leader_id == user_id))
    unapproved = (Practice.author_id == user_id) & (Practice.status != Status.APPROVED)
    if removes_on_erasure(user_id):  # their choice (services.set_erasure_choice)
        unapproved = Practice.author_id == user_id
    photo_keys = list(
        db.session.scalars(
            select(PracticePhoto.storage_key)
            .join(Practice, Practice.id == PracticePhoto.practice_id)
            .where(unapproved)
        )
    )
    db.session.execute(delete(Practice).where(unapproved))
    # Their files go once the erasure commits (a failed erasure keeps them).
    for key in photo_keys:
        event.listen(db.session, "after_commit", _remover(key), once=True)
    db.session.execute(update(Practice).where(Practice.author_id == user_id).values(author_id=None))
    # Their review comments stay with the practice (the author's record), without a name.
    db.session.execute(
        update(PracticeReview).where(PracticeReview.reviewer_id == user_id).values(reviewer_id=None)
    )
    for practice_id in tried_ids:
        recount(practice_id)
    db.session.execute(
        delete(PracticeErasureChoice).where(PracticeErasureChoice.user_id == user_id)
    )


def _erase_uploads(user_id: int) -> None:
    """Their video uploads' rows (the file names they chose), and once the erasure commits
    the bytes of those still arriving; a finished one's video is the practice's."""
    unfinished = [
        SimpleNamespace(
            id=u.id, storage_key=u.storage_key, s3_upload_id=u.s3_upload_id, status=u.status
        )
        for u in db.session.scalars(
            select(PracticeUpload).where(
                PracticeUpload.owner_id == user_id, PracticeUpload.status == UploadStatus.RECEIVING
            )
        )
    ]
    db.session.execute(delete(PracticeUpload).where(PracticeUpload.owner_id == user_id))
    for upload in unfinished:
        event.listen(
            db.session, "after_commit", lambda session, u=upload: resumable.discard(u), once=True
        )


def _export_uploads(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            PracticeUpload.practice_id.label("practice"),
            PracticeUpload.filename,
            PracticeUpload.length,
            PracticeUpload.offset,
            PracticeUpload.status,
            PracticeUpload.created_at,
            PracticeUpload.completed_at,
        )
        .where(PracticeUpload.owner_id == user_id)
        .order_by(PracticeUpload.created_at)
    )


def _remover(key: str):
    return lambda session: groups.delete_photo(key)


registry.personal_data("practices", export=_export_practices, erase=_erase)
registry.personal_data(
    "practice_erasure_choice",
    export=lambda user_id: registry.rows(
        select(PracticeErasureChoice.remove, PracticeErasureChoice.chosen_at).where(
            PracticeErasureChoice.user_id == user_id
        )
    ),
    erase=lambda user_id: None,  # with the practices, in _erase
)
registry.personal_data("practice_media", export=_export_media, erase=lambda user_id: None)
registry.personal_data(
    "practice_uploads",
    export=_export_uploads,
    erase=lambda user_id: None,  # in _erase
)
registry.personal_data("practice_reviews", export=_export_reviews, erase=lambda user_id: None)
registry.personal_data("practice_tries", export=_export_tries, erase=lambda user_id: None)


def _authors(condition):
    return lambda: (
        select(Practice.author_id.label("user_id"), func.count().label("value"))
        .where(condition, Practice.author_id.is_not(None))
        .group_by(Practice.author_id)
    )


def _triers(condition=None):
    def statement():
        query = select(PracticeTry.leader_id.label("user_id"), func.count().label("value"))
        if condition is not None:
            query = query.where(condition)
        return query.group_by(PracticeTry.leader_id)

    return statement


# In the programme's report, per programme, region and cohort, under its small-group rule.
registry.person_metric(
    "practices_shared", _l("Practices shared"), _authors(Practice.status != Status.DRAFT)
)
registry.person_metric(
    "practices_approved", _l("Practices approved"), _authors(Practice.status == Status.APPROVED)
)
registry.person_metric("practices_tried", _l("Practices tried"), _triers())
registry.person_metric(
    "practices_worked", _l("Practices tried that worked"), _triers(PracticeTry.outcome == "worked")
)


def _authors_by_competency(condition):
    return lambda: (
        select(
            Practice.author_id.label("user_id"),
            PracticeCompetency.competency_id,
            func.count().label("value"),
        )
        .join(PracticeCompetency, PracticeCompetency.practice_id == Practice.id)
        .where(condition, Practice.author_id.is_not(None))
        .group_by(Practice.author_id, PracticeCompetency.competency_id)
    )


def _triers_by_competency(condition=None):
    def statement():
        query = select(
            PracticeTry.leader_id.label("user_id"),
            PracticeCompetency.competency_id,
            func.count().label("value"),
        ).join(PracticeCompetency, PracticeCompetency.practice_id == PracticeTry.practice_id)
        if condition is not None:
            query = query.where(condition)
        return query.group_by(PracticeTry.leader_id, PracticeCompetency.competency_id)

    return statement


# The same four per competency of the practices, in the report's table "by competency".
registry.competency_count(
    "practices_shared",
    _l("Practices shared"),
    _authors_by_competency(Practice.status != Status.DRAFT),
)
registry.competency_count(
    "practices_approved",
    _l("Practices approved"),
    _authors_by_competency(Practice.status == Status.APPROVED),
)
registry.competency_count("practices_tried", _l("Practices tried"), _triers_by_competency())
registry.competency_count(
    "practices_worked",
    _l("Practices tried that worked"),
    _triers_by_competency(PracticeTry.outcome == "worked"),
)
registry.activity(
    "practice_tries",
    lambda: select(PracticeTry.leader_id.label("user_id"), PracticeTry.created_at.label("at")),
)


def _admin_section(person) -> dict:
    shared = shared_by(person.id)
    return {
        "approved": sum(1 for practice in shared if practice.status == Status.APPROVED),
        "shared": len(shared),
        "removes": removes_on_erasure(person.id),
    }


# The admin's page of a person: their practices, and what erasure will do with them.
registry.person_section("practices", "practices/_person.html", _admin_section)
# The coach's page of a leader: the practices they shared (not their drafts) and tried.
registry.page_card(
    "coaching.show_leader",
    "practices/_leader_section.html",
    lambda leader: {"shared": shared_by(leader.id), "tried": tries_of(leader)},
    order=20,
)


def _priority_card(person) -> dict | None:
    """Practices for the leader's improvement priority: one statement; no card when none."""
    practices = for_priority(person)
    return {"practices": practices} if practices else None


# "Practices for your priority" on Learn, and for the leader's priority on their coach's page.
registry.page_card("learning.home", "practices/_priority_card.html", _priority_card, order=20)
registry.page_card(
    "coaching.show_leader", "practices/_priority_coach_card.html", _priority_card, order=25
)
