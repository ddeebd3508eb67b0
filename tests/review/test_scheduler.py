"""The scheduler against FSRS's published behaviour: intervals grow with each right answer
and shrink after a wrong one, the moment of the answer (not of the server) is what counts,
and nothing reads a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from app.review.services import scheduler

T0 = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def _intervals(answers: list[bool], start: datetime = T0) -> list[timedelta]:
    """Answer on each due day in turn; the interval each answer gave."""
    memory, at, gaps = None, start, []
    for correct in answers:
        memory = scheduler.review(memory, correct, at)
        gaps.append(memory.due - at)
        at = memory.due
    return gaps


def test_intervals_grow_with_each_right_answer():
    gaps = _intervals([True] * 5)
    assert all(later > earlier for earlier, later in zip(gaps, gaps[1:], strict=False)), gaps
    assert gaps[0] >= timedelta(days=1) and gaps[-1] > timedelta(days=30), gaps


def test_a_wrong_answer_brings_the_question_back_sooner():
    right = _intervals([True, True, True, True])
    lapsed = _intervals([True, True, True, False])
    assert lapsed[-1] < right[-1]
    assert lapsed[-1] < right[-2]  # sooner than the interval before it, too
    # …and the right answers after it grow again from there, more slowly than before.
    after = _intervals([True, True, True, False, True])
    assert lapsed[-1] < after[-1] < right[-1]


def test_a_wrong_first_answer_is_due_tomorrow_a_right_one_later():
    assert scheduler.first_review(False, T0).due - T0 == timedelta(days=1)
    assert scheduler.first_review(True, T0).due - T0 > timedelta(days=1)
    assert scheduler.FIRST_INTERVAL_WRONG < scheduler.FIRST_INTERVAL_RIGHT


def test_it_is_fsrs_itself_without_learning_steps_or_fuzz():
    """The same days as the ``fsrs`` package's own scheduler configured alike."""
    reference = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card, at, memory = Card(card_id=1), T0, None
    for correct in (True, True, False, True):
        card, _ = reference.review_card(card, Rating.Good if correct else Rating.Again, at)
        memory = scheduler.review(memory, correct, at)
        assert memory.due == card.due and memory.stability == card.stability
        at = card.due + timedelta(hours=3)


def test_the_moment_answered_counts_not_when_it_arrived():
    first = scheduler.first_review(True, T0)
    # Answered on its due day offline; heard by the server four days later.
    on_time = scheduler.review(first, True, first.due)
    assert on_time.last_review == first.due
    assert on_time.due - first.due == _intervals([True, True])[1]
    heard_late = scheduler.review(first, True, first.due + timedelta(days=4))
    assert heard_late.due != on_time.due


def test_a_review_later_than_due_remembered_grows_more():
    """FSRS: recalling after a longer gap is stronger evidence (stability grows more)."""
    first = scheduler.first_review(True, T0)
    on_time = scheduler.review(first, True, first.due)
    late = scheduler.review(first, True, first.due + timedelta(days=6))
    assert late.stability > on_time.stability


def test_an_answer_older_than_the_last_review_is_taken_at_it():
    first = scheduler.first_review(True, T0)
    earlier = scheduler.review(first, False, T0 - timedelta(days=1))
    assert earlier.last_review == T0


def test_counts_reviews_and_lapses():
    memory = None
    for correct in (True, False, True, False):
        memory = scheduler.review(memory, correct, T0 if memory is None else memory.due)
    assert memory.reviews == 4 and memory.lapses == 2


def test_recall_falls_with_time():
    first = scheduler.first_review(True, T0)
    soon = scheduler.retrievability(first, T0 + timedelta(days=1))
    later = scheduler.retrievability(first, T0 + timedelta(days=20))
    assert 0 < later < soon <= 1
