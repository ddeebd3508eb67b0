"""Helpers for the framework tests."""

from __future__ import annotations


def alias_bomb(levels: int) -> str:
    """YAML for a billion laughs: anchors that are each a list of nine aliases of the one
    before, so ``*a<levels>`` stands for 9 ** (levels + 1) strings."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def edited_default(path) -> str:
    """The default framework's YAML with LL.2 retitled "Observing teaching" and LS.3 (its
    last competency) left out, translations and all."""
    from app.frameworks.files import dump_framework_yaml, load_framework

    spec = load_framework(path)
    for competency in spec.competencies():
        if competency.code == "LL.2":
            competency.title = "Observing teaching"
    last = spec.domains[-1]
    last.competencies = [c for c in last.competencies if c.code != "LS.3"]
    return dump_framework_yaml(spec)
