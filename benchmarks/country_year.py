"""A year of activity for ``benchmarks/country.py``: lessons, quick-check answers and
reflections, self-assessments, peer groups and coaching, as rows for a bulk insert.

Each function takes the scale, what the earlier steps made (``found``: content and the
programme; ``cast``: the leaders' and coaches' ids), the one seeded ``random.Random`` and
the ``Loader``, and commits what it inserted. Rows are plain dicts, with ids given where
later rows refer to them, so nothing is read back.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a cycle otherwise: country.py runs these steps
    from benchmarks.country import Loader, Scale

START = date(2025, 12, 1)
MODES = ("visit", "call", "video", "message")


def at_day(day: int, rng: random.Random) -> datetime:
    """A moment on ``day`` of the year, in working hours (Nairobi is UTC+3)."""
    moment = datetime.combine(START + timedelta(days=day), clock(5), tzinfo=UTC)
    return moment + timedelta(minutes=rng.randrange(12 * 60))


def learning(scale: Scale, found: dict, cast: dict, rng: random.Random, load: Loader) -> None:
    """Each leader opens some lessons over the year: the position watched, a completion for
    most, the quick-check answers of a completed lesson, a reflection on some."""
    from app.learning.models import LessonProgress, QuickCheckAnswer, Reflection

    progress, answers, reflections = [], [], []
    for uid in cast["leaders"]:
        opened = rng.sample(found["lessons"], rng.randrange(1, len(found["lessons"]) + 1))
        for lesson_id, course_id, duration in opened:
            started = at_day(rng.randrange(scale.days), rng)
            done = rng.random() < 0.7
            updated = started + timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
            length = max(duration, 60)
            progress.append(
                {
                    "user_id": uid,
                    "lesson_id": lesson_id,
                    "course_id": course_id,
                    "position_seconds": length if done else rng.randrange(length),
                    "started_at": started,
                    "updated_at": updated,
                    "completed_at": updated if done else None,
                }
            )
            if done:
                answers += _answers(uid, lesson_id, found["questions"], updated, rng)
            if rng.random() < 0.4:
                reflections.append(
                    {
                        "user_id": uid,
                        "lesson_id": lesson_id,
                        "body": f"What I will try this week (lesson {lesson_id}).",
                        "created_at": started,
                        "updated_at": updated,
                    }
                )
        if len(progress) > 50_000:
            _flush(load, (LessonProgress, progress), (QuickCheckAnswer, answers))
            progress, answers = [], []
    _flush(load, (LessonProgress, progress), (QuickCheckAnswer, answers))
    load.insert(Reflection, reflections)
    load.commit()


def _answers(uid, lesson_id, questions, at, rng) -> list[dict]:
    rows = []
    for qid, answer, choices in questions.get(lesson_id, []):
        attempts = 1 if rng.random() < 0.7 else rng.randrange(2, 4)
        choice = answer if attempts == 1 or rng.random() < 0.8 else 1 + (answer % choices)
        rows.append(
            {
                "user_id": uid,
                "question_id": qid,
                "lesson_id": lesson_id,
                "choice": choice,
                "correct": choice == answer,
                "first_correct": attempts == 1,
                "attempts": attempts,
                "answered_at": at,
            }
        )
    return rows


def _flush(load: Loader, *batches) -> None:
    for model, rows in batches:
        load.insert(model, rows)


def assessments(scale: Scale, found: dict, cast: dict, rng: random.Random, load: Loader) -> None:
    """A self-assessment near the start for every leader, one near the end for most, and
    one midway for some, each rating every competency."""
    from app.learning.models import SelfAssessment, SelfRating

    sittings, ratings = [], []
    sitting_id = 0
    last = max(scale.days - 1, 0)
    for uid in cast["leaders"]:
        days = [min(rng.randrange(7), last)]
        if rng.random() < 0.3:
            days.append(last // 2)
        if rng.random() < 0.8:
            days.append(max(last - rng.randrange(7), days[-1]))
        base = rng.randrange(1, 3)
        for n, day in enumerate(days):
            sitting_id += 1
            sittings.append(
                {
                    "id": sitting_id,
                    "user_id": uid,
                    "framework_id": found["framework_id"],
                    "sitting_key": f"country-{uid}-{n}",
                    "created_at": at_day(day, rng),
                }
            )
            ratings += [
                {
                    "assessment_id": sitting_id,
                    "competency_id": cid,
                    "level": min(4, base + n + (rng.random() < 0.3)),
                }
                for cid in found["competencies"]
            ]
    load.insert(SelfAssessment, sittings)
    load.insert(SelfRating, ratings)
    load.commit()


def groups(scale: Scale, cast: dict, rng: random.Random, load: Loader) -> None:
    """Leaders shared among the groups, a coach moderating each; a thread every fortnight
    or so in each group with a handful of replies, counters kept as the service keeps them."""
    from app.groups.models import Group, GroupMember, Post, Thread

    leaders, coaches = cast["leaders"], cast["coaches"]
    joined = datetime.combine(START, clock(6), tzinfo=UTC)
    load.insert(
        Group,
        [
            {"id": g, "name": f"Group {g:03d}", "description": "Peers nearby", "created_at": joined}
            for g in range(1, scale.groups + 1)
        ],
    )
    members: dict[int, list[int]] = {g: [] for g in range(1, scale.groups + 1)}
    for k, uid in enumerate(leaders):
        members[k % scale.groups + 1].append(uid)
    rows = []
    for g, uids in members.items():
        rows += [{"group_id": g, "user_id": u, "role": "member", "joined_at": joined} for u in uids]
        moderator = coaches[(g - 1) % len(coaches)]
        rows.append({"group_id": g, "user_id": moderator, "role": "moderator", "joined_at": joined})
        members[g] = uids + [moderator]
    load.insert(GroupMember, rows)
    threads, posts = [], []
    for g, uids in members.items():
        for _ in range(max(1, scale.days // 14)):
            _thread(len(threads) + 1, len(posts), g, uids, scale, rng, threads, posts)
    load.insert(Thread, threads)
    load.insert(Post, posts)
    load.commit()


def _thread(tid, post_id, group_id, uids, scale, rng, threads, posts) -> None:
    at = at_day(rng.randrange(scale.days), rng)
    first = post_id + 1
    for n in range(1 + rng.randrange(8)):
        post_id += 1
        posts.append(
            {
                "id": post_id,
                "thread_id": tid,
                "author_id": rng.choice(uids),
                "body": f"Post {n + 1} of thread {tid}.",
                "body_html": f"<p>Post {n + 1} of thread {tid}.</p>",
                "idempotency_key": f"country-{post_id}",
                "created_at": at,
            }
        )
        at += timedelta(minutes=rng.randrange(10, 2 * 24 * 60))
    threads.append(
        {
            "id": tid,
            "group_id": group_id,
            "author_id": posts[first - 1]["author_id"],
            "title": f"Thread {tid}: what worked this fortnight",
            "created_at": posts[first - 1]["created_at"],
            "last_activity_at": posts[-1]["created_at"],
            "reply_count": post_id - first,
            "first_post_id": first,
            "last_post_id": post_id,
        }
    )


def coaching(scale: Scale, found: dict, cast: dict, rng: random.Random, load: Loader) -> None:
    """Every leader paired with a coach; most with a priority; a check-in every six weeks
    or so, held unless it is still ahead, with one to three actions."""
    from app.coaching.models import (
        ActionItem,
        CheckIn,
        CoachPairing,
        ImprovementPriority,
        PriorityCompetency,
    )

    coaches, admin = cast["coaches"], found["admin_id"]
    paired = datetime.combine(START, clock(7), tzinfo=UTC)
    pairings, priorities, links, check_ins, actions = [], [], [], [], []
    for k, uid in enumerate(cast["leaders"]):
        coach = coaches[k % len(coaches)]
        pairings.append(
            {"coach_id": coach, "leader_id": uid, "created_at": paired, "created_by_id": admin}
        )
        if rng.random() < 0.8:
            pid = len(priorities) + 1
            priorities.append(_priority(pid, uid, rng))
            links += [
                {"priority_id": pid, "competency_id": cid}
                for cid in rng.sample(found["competencies"], 2)
            ]
        day = rng.randrange(3, 21)
        while day < scale.days:
            cid = len(check_ins) + 1
            check_ins.append(_check_in(cid, coach, uid, day, scale, rng))
            actions += _actions(cid, uid, day, scale, rng)
            day += rng.randrange(35, 50)
    load.insert(CoachPairing, pairings)
    load.insert(ImprovementPriority, priorities)
    load.insert(PriorityCompetency, links)
    load.insert(CheckIn, check_ins)
    load.insert(ActionItem, actions)
    load.commit()


def _priority(pid: int, uid: int, rng: random.Random) -> dict:
    at = at_day(rng.randrange(7, 28), rng)
    return {
        "id": pid,
        "leader_id": uid,
        "title": "More pupils reading fluently by the end of Grade 3",
        "why": "Half of Grade 3 cannot yet read a short passage.",
        "measure": "Pupils reading 40 words a minute",
        "baseline": f"{rng.randrange(20, 50)}%",
        "target": f"{rng.randrange(55, 90)}%",
        "status": rng.choice(("active", "active", "active", "achieved", "paused")),
        "created_at": at,
        "updated_at": at,
        "updated_by_id": uid,
    }


def _check_in(cid, coach, uid, day, scale, rng) -> dict:
    starts = at_day(day, rng)
    held = day < scale.days - 14
    return {
        "id": cid,
        "coach_id": coach,
        "leader_id": uid,
        "schedule_key": f"country-{cid}",
        "starts_at": starts,
        "mode": rng.choice(MODES),
        "created_at": starts - timedelta(days=14),
        "prep_tried": "Visited two classrooms a week." if held else "",
        "prep_happened": "Teachers asked for more visits." if held else "",
        "prep_help": "",
        "prepared_at": starts - timedelta(days=1) if held else None,
        "notes": "Agreed next steps." if held else "",
        "held_at": starts if held else None,
    }


def _actions(cid, uid, day, scale, rng) -> list[dict]:
    rows = []
    for n in range(rng.randrange(1, 4)):
        due = START + timedelta(days=day + 14 + 7 * n)
        done = day + 14 < scale.days and rng.random() < 0.6
        rows.append(
            {
                "check_in_id": cid,
                "leader_id": uid,
                "create_key": f"country-{cid}-{n}",
                "title": f"Action {n + 1}: observe a lesson and give one piece of feedback",
                "owner": "leader" if n != 2 else "coach",
                "due_on": due,
                "status": "done" if done else "open",
                "created_at": at_day(day, rng),
                "done_at": at_day(day + 7, rng) if done else None,
                "done_by_id": uid if done else None,
            }
        )
    return rows
