"""The small-group rule: no report or export shows a group of fewer than five people, not
even by subtraction, whether within one report or between any of the reports and CSV an
admin can ask for (a programme, a cohort, a region, a cohort in a region).

**Within a breakdown.** A breakdown's groups (women, men, another way, not answered)
together are the whole report's leaders, whose total is shown. So hiding one small group
alone is no use: the total minus the groups shown gives it back. The rule, applied to each
breakdown:

1. a group of 1 to 4 people is hidden (an empty group shows as 0: it says nothing of anyone);
2. while the hidden groups together hold fewer than five people, or only one group with
   anyone in it is hidden, the smallest group still shown (with anyone in it) is hidden too;
3. if that leaves nothing to hide beside it, every group of the breakdown is hidden.

Then subtraction gives only the hidden groups' sum, which is at least five people. A
report whose leaders are fewer than five shows no numbers at all. Every number in a
hidden group's row (lessons, growth, check-ins) is hidden with it.

**Between reports.** Reports of overlapping scopes can be subtracted (the programme minus
every other cohort is the one-leader cohort), and pseudonymised records can be matched
across exports. So the programme's leaders are cut into **blocks** (``blocks``): scopes
are taken in order (the programme, each cohort, each region, each cohort in a region) and
each one cuts the blocks it crosses, unless a piece would hold 1 to 4 leaders; then it
cuts nothing. A scope is shown only if it is whole blocks (``is_whole``), and any sum,
difference or intersection of such scopes is whole blocks too: at least five leaders, or
none. Within a shown scope:

* a breakdown's group is hidden if it is hidden in any of the scope's blocks (rules 1-3
  applied to the block), then rules 2-3 are applied to the scope;
* a count of some of its leaders (active in a given week, rated twice on a competency) is
  shown only if it is 0 or at least five in every one of the scope's blocks
  (``block_counts_shown``);
* a researcher's record gives a cohort or a region only where the leaders of that cohort
  or region are whole blocks, and says "held back" otherwise.

So every difference between two reports is a sum over whole blocks, none of 1 to 4 people.
Not covered: the same report taken on different days (leaders join and leave), and a
breakdown subtracted from another breakdown (women minus the newest heads).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

MIN_GROUP = 5


def too_few(total: int, minimum: int = MIN_GROUP) -> bool:
    return total < minimum


def hidden_groups(
    sizes: Mapping[str, int], minimum: int = MIN_GROUP, already: Iterable[str] = ()
) -> set[str]:
    """Which of a breakdown's groups (name → people) to hide, beside those ``already``
    hidden for another reason; see the module's rule."""
    hidden = {name for name, size in sizes.items() if 0 < size < minimum} | set(already)
    if not any(sizes[name] for name in hidden):
        return hidden
    while (
        sum(1 for name in hidden if sizes[name]) < 2
        or sum(sizes[name] for name in hidden) < minimum
    ):
        shown = sorted(
            (size, name) for name, size in sizes.items() if name not in hidden and size > 0
        )
        if not shown:
            return set(sizes)
        hidden.add(shown[0][1])
    return hidden


def blocks(
    people: Mapping[Hashable, int],
    scopes: Iterable[Iterable[Hashable]],
    minimum: int = MIN_GROUP,
) -> list[frozenset]:
    """Cut ``people`` (kind of leader → how many; a kind is where a leader is, e.g. their
    cohort and region) into blocks of at least ``minimum`` by each scope in turn (the kinds
    it holds), skipping a scope that would leave a piece of 1 to ``minimum`` - 1."""
    if too_few(sum(people.values()), minimum):
        return []
    parts = [frozenset(people)]
    for scope in scopes:
        inside = set(scope)
        pieces = [
            piece
            for part in parts
            for piece in (part & inside, part - inside)
            if piece  # an empty piece is no one
        ]
        if not any(too_few(sum(people[kind] for kind in piece), minimum) for piece in pieces):
            parts = pieces
    return parts


def is_whole(kinds: Iterable[Hashable], parts: list[frozenset]) -> bool:
    """Whether these kinds of leader are whole blocks, and not none of them."""
    kinds = set(kinds)
    touched = [part for part in parts if part & kinds]
    return bool(touched) and all(part <= kinds for part in touched)


def block_counts_shown(counts: Iterable[int], minimum: int = MIN_GROUP) -> bool:
    """A count over a scope is shown only if its part in every block is 0 or ``minimum``+."""
    return not any(0 < count < minimum for count in counts)
