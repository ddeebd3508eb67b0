"""`flask demo load` brings a demo programme whose report is alive, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.programmes import services
from app.programmes.demo import COHORT
from app.programmes.models import Cohort, CohortMember


def test_demo_load_makes_a_programme_with_a_living_report(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert f"44 leaders in cohort {COHORT!r}" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "Demo programme already loaded." in second.output
    cohort = db.session.scalar(select(Cohort))
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 44
    report = services.build_report(services.Scope(cohort.programme, cohort))
    assert not report.too_few and report.totals["lessons_completed"] > 0
    # Ten weeks of lessons, every one of them shown (none has one to four leaders in a region).
    assert len(report.weeks) == 11
    assert all(active >= 5 for _, active in report.weeks[:10]), report.weeks
    assert any(not item.hidden for _, items in report.growth for item in items)
