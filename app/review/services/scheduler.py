"""When each question comes back: FSRS (the ``fsrs`` package), over every answer a leader
gave, the lesson's own quick-check answer first.

Why FSRS rather than SM-2: it models each memory's stability and difficulty from the
answers themselves and targets a chosen chance of recall (90 %), where SM-2 multiplies an
interval by a fixed ease; on large public review data it predicts forgetting better. It is
pure Python with no dependencies of its own.

Reviews here are daily, so the scheduler has no same-day learning steps: a right answer
sends a question days away (growing each time), a wrong one brings it back tomorrow.
Intervals are not fuzzed: the same answers at the same moments always give the same day,
which tests and a phone's offline copy can rely on. Nothing here reads a clock: every
function takes the moment it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass(frozen=True)
class Memory:
    """What a card row keeps: FSRS's state of one question for one leader."""

    state: int
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime
    reviews: int
    lapses: int


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def first_review(correct: bool, at: datetime) -> Memory:
    """The memory after the lesson's quick-check answer (its first attempt) at ``at``."""
    return review(None, correct, at)


def review(memory: Memory | None, correct: bool, at: datetime) -> Memory:
    """The memory after answering right or wrong at ``at`` (None: never reviewed)."""
    at = _utc(at)
    if memory is None:
        card = Card(card_id=1)
        reviews = lapses = 0
    else:
        card = Card(
            card_id=1,
            state=State(memory.state),
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=_utc(memory.due),
            last_review=_utc(memory.last_review),
        )
        reviews, lapses = memory.reviews, memory.lapses
        # FSRS needs time to run forwards; an answer older than the last is taken as then.
        at = max(at, card.last_review)
    card, _log = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, at)
    lapsed = not correct and memory is not None
    return Memory(
        state=int(card.state),
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=at,
        reviews=reviews + 1,
        lapses=lapses + lapsed,
    )


def _first_interval(correct: bool) -> timedelta:
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    return first_review(correct, moment).due - moment


#: How long after a quick-check answer its question is first due, right and wrong: a
#: question never reviewed is due when its answer is this old (one comparison in SQL).
FIRST_INTERVAL_RIGHT = _first_interval(True)
FIRST_INTERVAL_WRONG = _first_interval(False)


def retrievability(memory: Memory, at: datetime) -> float:
    """The chance, by FSRS, that the leader recalls it at ``at`` (0-1)."""
    card = Card(
        card_id=1,
        state=State(memory.state),
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due),
        last_review=_utc(memory.last_review),
    )
    return SCHEDULER.get_card_retrievability(card, _utc(at))
