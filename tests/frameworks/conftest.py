"""Helpers for the framework tests."""

from __future__ import annotations


def alias_bomb(levels: int) -> str:
    """YAML for a billion laughs: anchors that are each a list of nine aliases of the one
    before, so ``*a<levels>`` stands for 9 ** (levels + 1) strings."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"
