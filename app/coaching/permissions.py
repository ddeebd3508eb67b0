"""Who may do what in coaching: coaching at all, coaching one leader, pairing, and which
check-ins and notes each person sees. ``leader.coach_pairing`` is this area's own backref on
the person (``CoachPairing.leader``), None when nobody coaches them."""

from __future__ import annotations

from app.permissions import is_admin, signed_in
from app.registry import predicate
from app.roles import Role


@predicate
def can_coach(user, leader=None) -> bool:
    """Without a leader: whether ``user`` coaches at all (the "My leaders" page). With one:
    whether ``user`` is that leader's paired coach, who sees their record, their
    self-assessments and the entries they share."""
    if not (signed_in(user) and user.has_role(Role.COACH)):
        return False
    if leader is None:
        return True
    pairing = leader.coach_pairing
    return pairing is not None and pairing.coach_id == user.id


@predicate
def can_manage_pairings(user) -> bool:
    return is_admin(user)


@predicate
def can_see_check_in(user, check_in) -> bool:
    """The check-in's leader, and whoever coaches that leader now."""
    if not signed_in(user):
        return False
    return check_in.leader_id == user.id or can_coach(user, check_in.leader)


@predicate
def can_change_check_in(user, check_in) -> bool:
    """Move or cancel a check-in: either side of it, the leader and whoever coaches them
    now. Not admins as such: a check-in and its record are the pair's, and an admin sees
    none of them (an admin who coaches the leader acts as their coach)."""
    return can_see_check_in(user, check_in)


@predicate
def can_see_private_notes(user, check_in) -> bool:
    """Only the coach who held the check-in, while they still coach the leader."""
    return signed_in(user) and check_in.coach_id == user.id and can_coach(user, check_in.leader)
