"""The small-group rule: no report shows a group of fewer than five people, not even by
subtraction.

A breakdown's groups (women, men, another way, not answered) together are the whole
report's leaders, whose total is shown. So hiding one small group alone is no use: the
total minus the groups shown gives it back. The rule, applied to each breakdown:

1. a group of 1 to 4 people is hidden (an empty group shows as 0: it says nothing of anyone);
2. while the hidden groups together hold fewer than five people, or only one group is
   hidden, the smallest group still shown (with anyone in it) is hidden too;
3. if that leaves nothing to hide beside it, every group of the breakdown is hidden.

Then subtraction gives only the hidden groups' sum, which is at least five people. A
report whose leaders are fewer than five shows no numbers at all. Every number in a
hidden group's row (lessons, growth, check-ins) is hidden with it.
"""

from __future__ import annotations

MIN_GROUP = 5


def hidden_groups(sizes: dict[str, int], minimum: int = MIN_GROUP) -> set[str]:
    """Which of a breakdown's groups (name → people) to hide; see the module's rule."""
    hidden = {name for name, size in sizes.items() if 0 < size < minimum}
    if not hidden:
        return hidden
    while len(hidden) < 2 or sum(sizes[name] for name in hidden) < minimum:
        shown = sorted(
            (size, name) for name, size in sizes.items() if name not in hidden and size > 0
        )
        if not shown:
            return set(sizes)
        hidden.add(shown[0][1])
    return hidden


def too_few(total: int, minimum: int = MIN_GROUP) -> bool:
    return total < minimum
