"""Generated specs: a large portal in two versions, so that v1 → v2 holds every kind of change."""

from __future__ import annotations

from pathlib import Path

USERS = ["alice", "bob", "carol", "dave", "erin"]


def _color(n: int, shift: int) -> str:
    return f'"#{(n * 2654435761 + shift) % 0xFFFFFF:06X}"'


def large_spec(version: int = 2) -> str:
    """v1: a portal already set up. v2: more of everything, recoloured, renamed, re-membered.

    v1 → v2 plans creates (categories, tags, statuses, sections, groups, members), updates
    (colours, descriptions), renames (``renamed_from``) and membership removals; no deletes
    of resources (prune is off), so that unmanaged resources must survive.
    """
    v2 = version == 2
    lines = ["version: 1", "prune: false", "tabs:"]
    lines += [f"  - slug: {slug}" for slug in ("roadmap", "wish-list", "changelog")]
    lines.append("categories:")
    for n in range(60 if v2 else 40):
        name = f"Legacy {n:02d}" if n < 5 and not v2 else f"Category {n:02d}"
        lines += [f"  - name: {name}", f"    color: {_color(n, 7 if v2 and n % 2 else 0)}"]
        if v2 and n < 5:
            lines.append(f"    renamed_from: [Legacy {n:02d}]")
    lines.append("statuses:")
    for n in range(12 if v2 else 8):
        tab = "roadmap" if n % 2 else "wish-list"
        color = _color(n + 100, 3 if v2 and n % 3 == 0 else 0)
        lines += [f"  - name: Status {n:02d}", f"    color: {color}", f"    tab: {tab}"]
    lines.append("tags:")
    lines += [f"  - tag-{n:02d}" for n in range(60 if v2 else 40)]
    lines.append("sections:")
    for n in range(10 if v2 else 6):
        lines += [f"  - title: Section {n:02d}", f"    tab: {'roadmap' if n % 2 else 'wish-list'}"]
        lines.append(f"    description: {'Now' if v2 and n % 2 else 'Then'} {n}")
        lines.append("    sections:")
        lines += [f"      - title: Part {n:02d}.{k}" for k in range(3 if v2 else 2)]
    lines.append("groups:")
    for n in range(6 if v2 else 4):
        members = [USERS[(n + k + (1 if v2 else 0)) % 5] for k in range(3)]
        lines += [f"  - name: Group {n:02d}", f"    description: Group number {n}"]
        lines.append(f"    members: [{', '.join(f'{m}@example.com' for m in members)}]")
    return "\n".join(lines) + "\n"


def write_large(folder: Path, version: int = 2) -> Path:
    path = folder / f"large-v{version}.yaml"
    path.write_text(large_spec(version), encoding="utf-8")
    return path
