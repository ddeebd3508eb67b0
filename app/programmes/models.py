"""Programmes, their cohorts and members; leaders' optional research profiles; bulk imports
and requests to erase a person's data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.frameworks.models import Framework


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("frameworks.id", ondelete="SET NULL"), index=True
    )
    # The country whose way of writing phone numbers an import accepts ("KE"); empty for
    # HEADWAY_DEFAULT_REGION.
    region: Mapped[str] = mapped_column(String(2), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    framework: Mapped[Framework | None] = relationship()
    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="programme", order_by="Cohort.starts_on", cascade="all, delete-orphan"
    )
    course_links: Mapped[list[ProgrammeCourse]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r}>"


class ProgrammeCourse(db.Model):
    __tablename__ = "programme_courses"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    def __repr__(self) -> str:
        return f"<ProgrammeCourse {self.programme_id}→{self.course_id}>"


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # Kept by the services that add and remove members, so lists need no counting.
    member_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="cohorts")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class CohortMember(db.Model):
    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The leader's region within the programme's country, as the import gave it.
    region: Mapped[str] = mapped_column(String(80), default="", index=True)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<CohortMember cohort={self.cohort_id} user={self.user_id}>"


class ImportStatus:
    UPLOADED = "uploaded"  # the file is stored; the job that checks it is queued
    CHECKING = "checking"  # the job is checking every row
    DRAFT = "draft"  # checked: the preview shows its good rows and its refused ones
    UNREADABLE = "unreadable"  # checked, and no row could be read; ``error_template`` says why
    QUEUED = "queued"  # confirmed: the job will import it
    IMPORTING = "importing"
    CODES = "codes"  # imported; the job is writing the invitation codes file
    READY = "ready"  # imported, codes file ready to download
    FAILED = "failed"  # nothing imported; ``error_template`` says why

    WORKING = (QUEUED, IMPORTING, CODES)
    CHECK_WORKING = (UPLOADED, CHECKING)


class ImportBatch(db.Model):
    """A bulk invitation: an uploaded file, checked by a job (``uploaded`` → ``checking`` →
    ``draft``, progress in ``rows_done``), then a draft holding the file's text until it is
    confirmed (``confirmed_at``), then the job that imports its good rows (``status``,
    ``rows_done`` of ``row_count``) and the leaders it brought in. The upload form draws
    ``key``, random, and the preview's confirmation sends it back, so an upload or a
    confirmation sent twice (a double tap) checks once and imports once."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    row_count: Mapped[int] = mapped_column(default=0)
    # The file's text, emptied once imported; up to 2 MB, so loaded only by the jobs.
    content: Mapped[str] = mapped_column(Text, default="", deferred=True)
    # The file's SHA-256: the same file sent again while its check runs joins that check.
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The uploader's language, for the "what to fix" column of the refused rows' file.
    locale: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    # What the check found, for the preview: counts, a sample of the good rows, the first
    # problems (templates and parameters, shown translated).
    summary: Mapped[dict | None] = mapped_column(JSON)
    # The lines the check refused: the import leaves them out, and refuses to go on if
    # other lines no longer pass.
    refused_lines: Mapped[list | None] = mapped_column(JSON, deferred=True)
    # The refused rows as CSV, with what to fix, in media storage (kept a day).
    refused_key: Mapped[str | None] = mapped_column(String(255))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        String(16), default=ImportStatus.DRAFT, server_default=ImportStatus.DRAFT
    )
    rows_done: Mapped[int] = mapped_column(default=0, server_default="0")
    # Why it failed, in English with its parameters: shown translated (ProgrammeError).
    error_template: Mapped[str | None] = mapped_column(Text)
    error_params: Mapped[dict | None] = mapped_column(JSON)
    # The invitation codes CSV in media storage (private: only streamed to admins).
    codes_key: Mapped[str | None] = mapped_column(String(255))
    # When its job last moved (claimed, a slice committed): a queued or running import
    # that has not moved for IMPORT_STALE_AFTER is started again by the sweep (import_sweep).
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.status} {self.rows_done}/{self.row_count}>"


class LeaderProfile(db.Model):
    """Optional answers for programme research, kept apart from the account. Every field may
    stay empty; none is kept without ``consent_at``."""

    __tablename__ = "leader_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gender: Mapped[str | None] = mapped_column(String(20))
    years_as_head: Mapped[int | None]
    school_type: Mapped[str | None] = mapped_column(String(20))
    school_size: Mapped[str | None] = mapped_column(String(20))
    locality: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LeaderProfile user={self.user_id} consent={self.consent_at is not None}>"


class ErasureRequest(db.Model):
    """A person asked for their data to be erased; an admin completes it."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        state = "done" if self.completed_at else "pending"
        return f"<ErasureRequest {self.id} user={self.user_id} {state}>"


class ReportState(db.Model):
    """How far a programme's reports are: the figures the report job last left
    (``computed_at``, the moment it read them: "as of"), and what makes them stale — an
    admin's change since (``changed_at``), or age. ``asked_at`` is a refresh asked for and
    not yet done (so a view or the sweep asks once), ``started_at`` a running job's claim.
    The row appears when the reports are first asked for."""

    __tablename__ = "report_states"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The regions the figures know, for the report's region list.
    regions: Mapped[list | None] = mapped_column(JSON)
    # Where this computation's files are (the researchers' records), and the previous
    # one's, kept until the next so that a download started before it still finishes.
    files_prefix: Mapped[str | None] = mapped_column(String(255))
    previous_files_prefix: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<ReportState programme={self.programme_id} as of {self.computed_at}>"


class ReportSnapshot(db.Model):
    """One scope's report as the report job put it together (``figures``: numbers already
    held back by the small-group rule), and its researchers' records as a file in media
    storage. A scope with nobody in it has no row."""

    __tablename__ = "report_snapshots"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    # "<cohort id>|<region>", either part empty: "|" is the whole programme.
    scope_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    figures: Mapped[dict] = mapped_column(JSON)
    records_key: Mapped[str | None] = mapped_column(String(255))
    records_rows: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReportSnapshot programme={self.programme_id} {self.scope_key!r}>"
