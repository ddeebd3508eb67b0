"""Demo practices for `make run`: two approved (Grace's in English, with a short video,
Baraka's in Swahili), one of Amani's in French waiting for her coach's review, and tries
with how they went, so the library, the review queue and the counts are alive. Safe to
run again: each practice comes back by its form key, and a step already taken is not
taken again.

Grace's video stands in for a phone video: a 21-second narrated slide video (117 KB) made
with the course media tool from ``demo_media/narration.yaml`` (as the demo course's
lessons are) and kept in the repository. Loading attaches it as an upload would be
(probe, then media's transcoding ladder, done by the worker, not by the load)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from app.accounts import services as accounts
from app.extensions import db
from app.frameworks.models import Competency

from . import services
from .models import Status

GRACE, AMANI, BARAKA = "+254700000001", "amani@example.org", "+254700000003"
COACH, ADMIN = "coach@example.org", "admin@example.org"

PRACTICES = (
    (
        GRACE,
        "demo-practice-grace-1",
        Status.APPROVED,
        services.PracticeFields(
            title="A reading corner in every class",
            problem="Most pupils have no book at home, and P3 reading scores were falling.",
            steps="Each class builds a corner from donated books and a crate.\n"
            "Pupils borrow one book a week and tell the class about it on Friday.\n"
            "Prefects keep the borrowing book.",
            takes="A crate, 30 books a class (parents and a local church gave them), "
            "ten minutes on Fridays.",
            evidence="Books borrowed went from none to 120 a week; P3 pupils reading at "
            "level went from 41% to 58% in two terms.",
            language="en",
        ),
        ("LL.2",),
    ),
    (
        BARAKA,
        "demo-practice-baraka-1",
        Status.APPROVED,
        services.PracticeFields(
            title="Mikutano mifupi ya walimu kila asubuhi",
            problem="Walimu walipata habari za shule wakiwa wamechelewa, na matatizo ya "
            "wanafunzi yalijulikana kwa kuchelewa.",
            steps="Dakika kumi saa moja na nusu asubuhi, wote wakiwa wamesimama.\n"
            "Kila mwalimu anataja mwanafunzi mmoja anayehitaji msaada.",
            takes="Dakika kumi kila siku na ubao mdogo.",
            evidence="Mahudhurio ya walimu kwa wakati yalipanda kutoka 70% hadi 95%.",
            language="sw",
        ),
        ("LL.1",),
    ),
    (
        AMANI,
        "demo-practice-amani-1",
        Status.SUBMITTED,
        services.PracticeFields(
            title="Visites de classe entre enseignants",
            problem="Les enseignants ne voient jamais comment leurs collègues enseignent.",
            steps="Chaque enseignant visite une leçon d'un collègue par mois, avec une "
            "seule question à observer, puis ils en parlent dix minutes.",
            takes="Un emploi du temps des visites, une fiche d'une page.",
            evidence="Après un trimestre, 9 enseignants sur 12 disent avoir changé une "
            "habitude en classe.",
            language="fr",
        ),
        ("LL.2",),
    ),
)
#: a practice's video by its form key, made by courses/tools/make_lesson_media.py
VIDEOS = {"demo-practice-grace-1": Path(__file__).parent / "demo_media" / "reading-corner.mp4"}
#: (who tries, whose practice by its key, how it went, why)
TRIES = (
    (AMANI, "demo-practice-grace-1", "worked", "Les élèves se disputent les livres !"),
    (COACH, "demo-practice-baraka-1", "partly", "Ten minutes became twenty on Mondays."),
    (BARAKA, "demo-practice-grace-1", None, ""),
)


def _competency_ids(codes) -> tuple[int, ...]:
    return tuple(db.session.scalars(select(Competency.id).where(Competency.code.in_(codes))))


def _bring_to(practice, author, status: str) -> None:
    if practice.status in (Status.DRAFT, Status.CHANGES):
        services.submit_practice(practice, author)
    if status == Status.APPROVED and practice.status == Status.SUBMITTED:
        reviewer = accounts.find_user(COACH if practice.reviewer_id else ADMIN)
        services.review_practice(
            practice, reviewer, "approve", "Clear enough to try.", f"{practice.id}-demo-review"
        )


def load_demo_practices() -> list[str]:
    made = {}
    for identifier, key, status, fields, codes in PRACTICES:
        author = accounts.find_user(identifier)
        if author is None:
            continue
        fields = replace(fields, competency_ids=_competency_ids(codes))
        practice = services.create_practice(author, fields, key)
        video = VIDEOS.get(key)
        if video and practice.video_asset_id is None and practice.status == Status.DRAFT:
            with video.open("rb") as stream:
                services.attach_video(practice, author, stream, video.name, "video/mp4")
        _bring_to(practice, author, status)
        made[key] = practice
    tried = 0
    for identifier, key, outcome, note in TRIES:
        leader = accounts.find_user(identifier)
        if leader is None or key not in made:
            continue
        services.try_practice(made[key], leader)
        if outcome:
            services.report_outcome(made[key], leader, outcome, note)
        tried += 1
    return [f"Demo practices: {len(made)} shared, {tried} tried."]
