"""A report as the report job keeps it (JSON in ``report_snapshots``) and back: numbers
and which of them the small-group rule hides, already decided; labels and competency
titles are put in the reader's language when it is read, from the keys kept."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app import registry
from app.i18n import current_language
from app.translatable import Localized

from .reports import Breakdown, CompetencyCounts, CompetencyGrowth, Group, Report, columns
from .research import BREAKDOWNS
from .scopes import Scope


def scope_key(cohort_id: int | None, region: str | None) -> str:
    """The key of the scope of a cohort (or none) and a region (or none)."""
    return f"{cohort_id or ''}|{region or ''}"


def key_of(scope: Scope) -> str:
    return scope_key(scope.cohort.id if scope.cohort else None, scope.region)


def to_json(report: Report, competencies: dict) -> dict:
    """What a report shows, as JSON (``competencies``: by id, for their titles)."""
    return {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "people": report.people,
        "held_back": report.held_back,
        "totals": report.totals,
        "weeks": [[week.isoformat(), active] for week, active in report.weeks],
        "breakdowns": [
            {
                "key": breakdown.key,
                "groups": [
                    {
                        "key": group.key,
                        "people": group.people,
                        "values": group.values,
                        "hidden": group.hidden,
                    }
                    for group in breakdown.groups
                ],
            }
            for breakdown in report.breakdowns
        ],
        "growth": [
            {"source": key, "items": [_item(item, competencies) for item in items]}
            for key, (_, items) in zip(
                list(registry.RATINGS)[: len(report.growth)], report.growth, strict=True
            )
        ],
        "by_competency": [
            {**_titles(competencies[row.competency_id]), "code": row.code, "values": row.values}
            for row in report.by_competency
        ],
    }


def _titles(competency) -> dict:
    """A competency's id and title in each language it has, for the reader's later."""
    return {
        "id": competency.id,
        "title": competency.title,
        "language": competency.original_language,
        "titles": {
            language: fields["title"]
            for language, fields in (competency.translations or {}).items()
            if fields.get("title")
        },
    }


def _item(item: CompetencyGrowth, competencies: dict) -> dict:
    competency = competencies[item.competency_id]
    titles = {
        language: fields["title"]
        for language, fields in (competency.translations or {}).items()
        if fields.get("title")
    }
    return {
        "id": item.competency_id,
        "code": item.code,
        "title": competency.title,
        "language": competency.original_language,
        "titles": titles,
        "people": item.people,
        "first": item.first,
        "latest": item.latest,
        "hidden": item.hidden,
    }


def from_json(scope: Scope, data: dict) -> Report:
    """The report ``to_json`` kept, its labels in the reader's language."""
    report = Report(
        scope,
        date.fromisoformat(data["start"]),
        date.fromisoformat(data["end"]),
        data["people"],
        columns(),
        held_back=data["held_back"],
    )
    report.totals = data["totals"]
    report.weeks = [(date.fromisoformat(week), active) for week, active in data["weeks"]]
    report.breakdowns = [
        _breakdown(entry) for entry in data["breakdowns"] if entry["key"] in BREAKDOWNS
    ]
    language = current_language()
    report.growth = [
        (
            registry.RATINGS[entry["source"]].label,
            [_growth(item, language) for item in entry["items"]],
        )
        for entry in data["growth"]
        if entry["source"] in registry.RATINGS
    ]
    report.by_competency = [
        CompetencyCounts(
            item["code"],
            _title(item, language),
            {key: item["values"].get(key) for key in registry.COMPETENCY_COUNTS},
            item["id"],
        )
        for item in data.get("by_competency", [])  # kept before there was one: none
    ]
    return report


def _breakdown(entry: dict) -> Breakdown:
    title, labels = BREAKDOWNS[entry["key"]]
    return Breakdown(
        entry["key"],
        title,
        [
            Group(
                group["key"],
                labels.get(group["key"], _l("Not answered")),
                group["people"],
                group["values"],
                group["hidden"],
            )
            for group in entry["groups"]
        ],
    )


def _title(item: dict, language: str) -> Localized:
    translated = item["titles"].get(language)
    if translated:
        return Localized(translated, language)
    return Localized(item["title"], item["language"])


def _growth(item: dict, language: str) -> CompetencyGrowth:
    title = _title(item, language)
    return CompetencyGrowth(
        item["code"],
        title,
        item["people"],
        item["first"],
        item["latest"],
        item["hidden"],
        item["id"],
    )
