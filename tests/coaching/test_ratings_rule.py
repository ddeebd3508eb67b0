"""The coach's ratings rule lives in ``save_ratings``, whoever calls it: only the
competencies of the leader's priority, only the framework's levels, and something rated."""

from __future__ import annotations

import pytest

from app.coaching import services


def _other_competency(framework, priority):
    return next(
        c.id
        for d in framework.domains
        for c in d.competencies
        if c.id not in priority.competency_ids
    )


def test_a_competency_outside_the_priority_is_refused(app, framework, priority, check_in):
    other = _other_competency(framework, priority)
    with pytest.raises(services.CoachingError) as refused:
        services.save_ratings(check_in, {priority.competency_ids[0]: 2, other: 2})
    assert refused.value.template == "Rate only the competencies of the leader's priority."
    assert refused.value.params == {"competency_ids": [other]}
    assert services.ratings_at(check_in) == {}


@pytest.mark.parametrize("level", [0, 9, "two", -1])
def test_a_level_the_framework_does_not_have_is_refused(app, framework, priority, check_in, level):
    first, second = priority.competency_ids[:2]
    with pytest.raises(services.CoachingError) as refused:
        services.save_ratings(check_in, {first: 2, second: level})
    assert refused.value.template == "Choose one of the levels for at least one competency."
    assert refused.value.params["invalid"] == {second}
    assert refused.value.params["chosen"] == {first: 2}
    assert services.ratings_at(check_in) == {}


def test_nothing_rated_is_refused_and_a_valid_rating_is_kept(app, priority, check_in):
    with pytest.raises(services.CoachingError):
        services.save_ratings(check_in, {})
    first = priority.competency_ids[0]
    services.save_ratings(check_in, {first: "3"})
    assert services.ratings_at(check_in) == {first: 3}


def test_the_route_refuses_a_foreign_competency_with_the_reason(
    client, login, coach, framework, priority, check_in
):
    login(coach)
    other = _other_competency(framework, priority)
    response = client.post(f"/coaching/check-ins/{check_in.id}/ratings", data={f"c{other}": "2"})
    assert response.status_code == 422
    assert "Rate only the competencies of the leader&#39;s priority." in response.get_data(
        as_text=True
    )
    assert services.ratings_at(check_in) == {}


def test_the_check_in_page_is_one_service_call(app, coach, priority, check_in):
    page = services.check_in_page(check_in, coach, show_private=True)
    assert page.priority.id == priority.id
    assert page.scale.competency_ids == list(priority.competency_ids)
    assert page.scale.level_numbers and page.private_note == "" and page.actions == []
    assert services.check_in_page(check_in, coach, show_private=False).private_note is None
