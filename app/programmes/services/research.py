"""A leader's optional answers for programme research: the questions, why each is asked,
and the groups reports break numbers down by. Nothing is kept without consent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, literal

from app.db import upsert, utcnow
from app.extensions import db

from ..models import LeaderProfile

GENDERS = {"woman": _l("Woman"), "man": _l("Man"), "other": _l("Another way")}
SCHOOL_TYPES = {
    "public": _l("Public (government)"),
    "private": _l("Private"),
    "faith": _l("Faith-based"),
    "community": _l("Community"),
}
SCHOOL_SIZES = {
    "under_200": _l("Fewer than 200 pupils"),
    "200_499": _l("200 to 499 pupils"),
    "500_999": _l("500 to 999 pupils"),
    "1000_plus": _l("1,000 pupils or more"),
}
LOCALITIES = {"rural": _l("Rural"), "peri_urban": _l("Small town"), "urban": _l("Urban")}
TENURES = {
    "0_2": _l("Up to 2 years"),
    "3_5": _l("3 to 5 years"),
    "6_10": _l("6 to 10 years"),
    "11_plus": _l("More than 10 years"),
}
NOT_ANSWERED = ""

#: The breakdowns of a report: key → (title, labels of the groups).
BREAKDOWNS = {
    "gender": (_l("Gender"), GENDERS),
    "tenure": (_l("Years as head teacher"), TENURES),
    "school_type": (_l("School type"), SCHOOL_TYPES),
    "school_size": (_l("School size"), SCHOOL_SIZES),
    "locality": (_l("Rural or urban"), LOCALITIES),
}
MAX_YEARS = 60


def breakdown_columns():
    """SQL expressions of each breakdown's group, '' for "not answered" (a missing profile
    row or no consent included), for a statement that outer-joins LeaderProfile."""
    consented = LeaderProfile.consent_at.is_not(None)
    years = LeaderProfile.years_as_head

    def answered(expression):
        return case((consented & expression.is_not(None), expression), else_=literal(""))

    tenure = case(
        (years.is_(None), literal("")),
        (years <= 2, literal("0_2")),
        (years <= 5, literal("3_5")),
        (years <= 10, literal("6_10")),
        else_=literal("11_plus"),
    )
    return {
        "gender": answered(LeaderProfile.gender),
        "tenure": case((consented, tenure), else_=literal("")),
        "school_type": answered(LeaderProfile.school_type),
        "school_size": answered(LeaderProfile.school_size),
        "locality": answered(LeaderProfile.locality),
    }


def save_research_profile(user, *, consent: bool, **answers) -> LeaderProfile | None:
    """Keep the answers the leader chose to give, with their consent; without it, forget
    every answer. One upsert (a double tap writes the same row); commits."""
    if not consent:
        db.session.execute(delete(LeaderProfile).where(LeaderProfile.user_id == user.id))
        db.session.commit()
        return None
    allowed = {
        "gender": GENDERS,
        "school_type": SCHOOL_TYPES,
        "school_size": SCHOOL_SIZES,
        "locality": LOCALITIES,
    }
    values = {k: (answers.get(k) if answers.get(k) in v else None) for k, v in allowed.items()}
    years = answers.get("years_as_head")
    values["years_as_head"] = years if isinstance(years, int) and 0 <= years <= MAX_YEARS else None
    now = utcnow()
    row = {"user_id": user.id, "consent_at": now, "updated_at": now, **values}
    update = {**{k: row[k] for k in (*values, "updated_at")}}
    [profile] = upsert(LeaderProfile, row, key=("user_id",), update=update)
    db.session.commit()
    return profile


def research_profile(user) -> LeaderProfile | None:
    return db.session.get(LeaderProfile, user.id)
