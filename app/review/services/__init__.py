"""The daily review's services: the scheduler (FSRS), what is due today, answers, choices,
reminders, and what coaches and programmes see of retention."""

from ._common import ReviewError, clock
from .answers import Feedback, answer_moment, feedback, record_answer
from .offline import OfflinePack, offline_pack
from .reminders import Reminded, leaders_to_remind, send_reminders, withdraw_reminders
from .retention import CompetencyRetention, falling_leaders, leader_retention
from .scheduler import Memory, first_review, review
from .settings import PER_DAY_CHOICES, Choices, choices, save_choices
from .today import (
    Counts,
    DueQuestion,
    TodayPage,
    count_binds,
    count_columns,
    counts,
    due_questions,
    learn_card,
    next_due,
    today_page,
)
from .tried import ANSWERS as TRIED_ANSWERS
from .tried import TriedQuestion, TriedRow, record_tried, tried_answers, tried_question

__all__ = [
    "PER_DAY_CHOICES",
    "Choices",
    "CompetencyRetention",
    "Counts",
    "DueQuestion",
    "Feedback",
    "Memory",
    "OfflinePack",
    "Reminded",
    "TRIED_ANSWERS",
    "TriedQuestion",
    "TriedRow",
    "record_tried",
    "tried_answers",
    "tried_question",
    "ReviewError",
    "TodayPage",
    "answer_moment",
    "choices",
    "clock",
    "count_binds",
    "count_columns",
    "counts",
    "due_questions",
    "falling_leaders",
    "feedback",
    "first_review",
    "learn_card",
    "leader_retention",
    "next_due",
    "offline_pack",
    "record_answer",
    "review",
    "save_choices",
    "send_reminders",
    "leaders_to_remind",
    "withdraw_reminders",
    "today_page",
]
