"""A practice's photos, at most three: each re-encoded by the groups' photo pipeline
(bounded decode, a JPEG of at most 100 KB without metadata) and kept in the media storage.
Adding one is a row added per form (its key); a refused file changes nothing."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy import delete, select

from app.db import upsert, utcnow
from app.extensions import db
from app.form_keys import claim_form_key
from app.groups import services as groups

from ..models import Practice, PracticePhoto
from ..permissions import can_edit_practice
from ._common import N_, PracticeError

MAX_PHOTOS = 3


def photos_of(practice: Practice) -> list[PracticePhoto]:
    return list(
        db.session.scalars(
            select(PracticePhoto)
            .where(PracticePhoto.practice_id == practice.id)
            .order_by(PracticePhoto.position)
        )
    )


def add_photo(practice: Practice, author, stream: BinaryIO, key: str) -> PracticePhoto:
    """One more photo on ``practice``; the same form sent again adds it once. Commits."""
    if not can_edit_practice(author, practice):
        raise PracticeError(N_("This practice is with its reviewer: it cannot be changed now."))
    claim = claim_form_key(author.id, key, "practices.photo", PracticeError)
    if not claim.added:
        db.session.commit()
        return db.session.get(PracticePhoto, claim.row_id)
    taken = {photo.position for photo in photos_of(practice)}
    free = [n for n in range(1, MAX_PHOTOS + 1) if n not in taken]
    if not free:
        db.session.rollback()
        raise PracticeError(
            N_("A practice has at most %(count)d photos: remove one first."), "photo", count=3
        )
    try:
        jpeg = groups.reencode(stream)
    except groups.GroupError as error:
        db.session.rollback()
        raise PracticeError(error.template, "photo", **error.params) from None
    storage_key, size = groups.store_photo(jpeg)
    added = upsert(
        PracticePhoto,
        {
            "practice_id": practice.id,
            "position": free[0],
            "storage_key": storage_key,
            "size_bytes": size,
            "created_at": utcnow(),
        },
        key=("practice_id", "position"),
    )
    if not added:  # another photo took that place at the same moment
        db.session.rollback()
        groups.delete_photo(storage_key)
        raise PracticeError(N_("Another photo was added at the same moment. Send it again."))
    claim.record(added[0].id)
    db.session.commit()
    return added[0]


def remove_photo(practice: Practice, author, photo_id: int) -> None:
    """Remove one of the practice's photos (removing it twice removes it once). Commits."""
    if not can_edit_practice(author, practice):
        raise PracticeError(N_("This practice is with its reviewer: it cannot be changed now."))
    photo = db.session.get(PracticePhoto, photo_id)
    if photo is None or photo.practice_id != practice.id:
        db.session.rollback()
        return
    storage_key = photo.storage_key
    db.session.execute(delete(PracticePhoto).where(PracticePhoto.id == photo_id))
    db.session.commit()
    groups.delete_photo(storage_key)


def photo_of(practice: Practice, photo_id: int) -> bytes | None:
    """A photo's JPEG, for whoever may read the practice (the caller checked); None if gone."""
    photo = db.session.get(PracticePhoto, photo_id)
    if photo is None or photo.practice_id != practice.id:
        return None
    try:
        return groups.read_photo(photo.storage_key)
    except FileNotFoundError:
        return None
