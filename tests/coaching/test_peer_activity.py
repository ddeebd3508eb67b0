"""The coach's page shows how a leader takes part in their peer groups: counts, never words."""

from __future__ import annotations

from app.groups import services as groups


def test_the_coach_sees_counts_of_the_leader_s_posts_not_what_they_said(
    client, login, coach, leader, pair, make_user
):
    group = groups.create_group("Kibera cluster")
    other = make_user("leader")
    for person in (leader, other):
        groups.add_member(group, person)
    thread = groups.start_thread(group, leader, "Visits that work", "Our secret plan", "k1")
    groups.start_thread(group, other, "Parents' day", "Somebody else's words", "k2")
    login(coach)
    html = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert "Member of: Kibera cluster" in html
    assert "1 post in the last 30 days · 1 new thread" in html
    assert "Our secret plan" not in html and "Visits that work" not in html
    assert thread.id  # the thread exists; the coach is not in the group and reads none of it


def test_a_leader_in_no_group_says_so(client, login, coach, leader, pair):
    login(coach)
    html = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert "Not in a peer group yet." in html
