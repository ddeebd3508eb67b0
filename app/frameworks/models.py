"""Competency frameworks: a framework has levels, domains, and competencies in domains.

Rows are matched by code on re-import, so ids stay stable and everything that points
at a competency (lessons, self-assessments, coaching priorities) keeps its history.
A competency dropped from a framework is retired, never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import published
from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.translatable import Translatable


class Framework(Translatable, db.Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    levels: Mapped[list[FrameworkLevel]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="FrameworkLevel.number"
    )
    domains: Mapped[list[Domain]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="Domain.position"
    )

    @property
    def original_language(self) -> str:
        return self.language

    def __repr__(self) -> str:
        return f"<Framework {self.id} {self.code} v{self.version}>"


class FrameworkLevel(Translatable, db.Model):
    __tablename__ = "framework_levels"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(80))
    descriptor: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship(back_populates="levels")

    @property
    def original_language(self) -> str:
        return self.framework.language

    def __repr__(self) -> str:
        return f"<FrameworkLevel {self.framework_id}:{self.number} {self.name}>"


class Domain(Translatable, db.Model):
    __tablename__ = "framework_domains"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="domains")
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="domain", order_by="Competency.position"
    )

    @property
    def original_language(self) -> str:
        return self.framework.language

    def __repr__(self) -> str:
        return f"<Domain {self.id} {self.code}>"


class Competency(Translatable, db.Model):
    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept alongside domain_id so a code is unique per framework and found in one lookup.
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    domain_id: Mapped[int] = mapped_column(
        ForeignKey("framework_domains.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    domain: Mapped[Domain] = relationship(back_populates="competencies")
    framework: Mapped[Framework] = relationship()

    @property
    def original_language(self) -> str:
        return self.framework.language

    def __repr__(self) -> str:
        return f"<Competency {self.id} {self.code}{' retired' if self.retired else ''}>"


# Lessons show their competencies as each process keeps them (``app/published.py``).
published.watch(Framework, FrameworkLevel, Domain, Competency)
