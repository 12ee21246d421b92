"""Load ``portal.yaml``: every problem of the file at once, each as ``FILE:LINE:COL: message``.

Three passes, each collecting rather than stopping: :mod:`reconciler.spec_yaml` reads the
YAML (syntax, encoding, duplicate keys, aliases), pydantic validates the shapes and values
(:mod:`reconciler.spec`), :mod:`reconciler.spec_rules` checks what spans entries. Pydantic's
error paths are mapped back to the key or value they blame, in words a user can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem, SpecError
from .spec import (
    COLOR_PATTERN,
    EMAIL_PATTERN,
    NAME_PATTERN,
    Category,
    Group,
    Portal,
    Prune,
    Section,
    Spec,
    Status,
    Tab,
    Tag,
)
from .spec_rules import check, suggest
from .spec_yaml import MAX_CHARS, Document, Pos, YamlError, decode, read
from .state import key

# The model a mapping at ``...KEY[i]`` holds, by the key that leads to it.
_MODELS: dict[str, type[BaseModel]] = {
    "portal": Portal,
    "prune": Prune,
    "tabs": Tab,
    "categories": Category,
    "statuses": Status,
    "tags": Tag,
    "sections": Section,
    "groups": Group,
}
# Labels of union branches in pydantic error paths (see spec.TagEntry, spec.PruneSetting).
_BRANCHES = {"str", "Tag", "bool", "Prune"}
_NAMES = {"name", "title", "renamed_from", "tag"}
# A value quoted in a message is cut to this many characters: a 1 MB name is not echoed whole.
_SHOWN = 80
_LONG_QUOTED = re.compile("'([^']{" + str(_SHOWN + 1) + ",})'")
_LONGEST = 500


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec, with where each entry was written (for annotations and messages)."""

    spec: Spec
    path: str
    positions: Mapping[tuple[str, str], tuple[int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def where(self, kind: str, name: str) -> tuple[int, int] | None:
        """1-based (line, col) of an entry, by singular ``kind`` and the identity the plan
        shows (``TAB/PARENT/TITLE`` for sections, ``GROUP/EMAIL`` for memberships);
        case-insensitive; None when the spec has no such entry."""
        return self.positions.get((kind, key(name)))


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate the spec at ``path``; raises SpecError carrying every problem."""
    shown = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_CHARS * 4:  # refused before it is read: UTF-8 is at most 4 bytes a char
            raise SpecError([Problem(shown, 1, 1, f"the spec is {size:,} bytes; too large")])
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise SpecError([Problem(shown, 1, 1, f"cannot read the spec: {reason}")]) from None
    return parse_spec(raw, shown)


def parse_spec(text: str | bytes, filename: str) -> LoadedSpec:
    """Validate spec text; ``filename`` names it in problems. Raises SpecError."""
    try:
        doc = read(decode(text) if isinstance(text, bytes) else text)
    except YamlError as error:
        raise SpecError(_problems(filename, [(error.pos, error.message)])) from None
    found = list(doc.problems)
    if not isinstance(doc.data, dict):
        found.append((doc.root, _not_a_mapping(doc.data)))
        raise SpecError(_problems(filename, found))
    spec: Spec | None = None
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as error:
        explained = [_explain(doc, details) for details in error.errors()]
        found += [(pos, message) for pos, message in explained if pos not in doc.poisoned]
    rule_problems, index = check(doc)
    found += [(pos, message) for pos, message in rule_problems if pos not in doc.poisoned]
    if found or spec is None:
        raise SpecError(_problems(filename, found))
    return LoadedSpec(spec, filename, index)


def summarize(spec: Spec) -> dict[str, int]:
    """How many entries of each kind the spec lists (sections at every depth)."""

    def count(sections: list[Section]) -> int:
        return sum(1 + count(s.sections) for s in sections)

    return {
        "tabs": len(spec.tabs),
        "categories": len(spec.categories),
        "statuses": len(spec.statuses),
        "tags": len(spec.tags),
        "sections": count(spec.sections),
        "groups": len(spec.groups),
        "members": sum(len(g.members or ()) for g in spec.groups),
    }


def _problems(filename: str, found: list[tuple[Pos, str]]) -> list[Problem]:
    # one report per spot and message, in file order
    unique = dict.fromkeys((pos, _readable(message)) for pos, message in found)
    return [Problem(filename, line, col, message) for (line, col), message in unique]


def _readable(message: str) -> str:
    """``message`` on one line (newlines and control characters in values escaped), long
    quoted values cut, at most ``_LONGEST`` characters."""
    if not message.isprintable():
        message = "".join(
            c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message
        )
    message = _LONG_QUOTED.sub(lambda m: f"'{m[1][: _SHOWN - 1]}…'", message)
    return message if len(message) <= _LONGEST else message[: _LONGEST - 1] + "…"


def _not_a_mapping(data: Any) -> str:
    if data is None:
        return "the spec is empty; it needs at least 'version: 1'"
    return f"the spec must be a mapping (version: 1, tabs: ...), not {_describe(data)}"


def _explain(doc: Document, error: ErrorDetails) -> tuple[Pos, str]:
    """Where a pydantic error points in the file, and what it means in spec terms."""
    loc, kind = error["loc"], error["type"]
    if kind == "extra_forbidden":
        return doc.locate(loc, key=True), _unknown_key(loc)
    if kind == "missing":
        name = str(loc[-1])
        if loc == ("version",):
            return doc.locate(loc), "missing 'version: 1' (the format version of the spec)"
        return doc.locate(loc), f"missing required key '{name}'"
    return doc.locate(loc), _value_message(kind, _field(loc), error)


def _field(loc: tuple[int | str, ...]) -> str:
    """The key the failing value sits under (list indexes and union labels skipped)."""
    names = [p for p in loc if isinstance(p, str) and p not in _BRANCHES]
    if names == ["tags"] and len(loc) > 1:
        return "tag"  # a bare tag text
    return names[-1] if names else "spec"


def _unknown_key(loc: tuple[int | str, ...]) -> str:
    name = str(loc[-1])
    if name == "<<":
        return "merge keys (<<) are not supported; write the keys out"
    model: type[BaseModel] = Spec
    for part in loc[:-1]:
        if isinstance(part, str) and part in model.model_fields and part in _MODELS:
            model = _MODELS[part]
    return f"unknown key '{name}'{suggest(name, list(model.model_fields))}"


def _value_message(kind: str, name: str, error: ErrorDetails) -> str:
    value, ctx = error.get("input"), error.get("ctx") or {}
    quote = "; put it in quotes" if isinstance(value, int | float | dt.date) else ""
    if kind == "string_type":
        if value is None:
            return f"{name} cannot be null"
        return f"{name}: expected a string, got {_describe(value)}{quote}"
    if kind in ("string_too_short", "string_too_long"):
        return _length_message(kind, name, str(value), ctx)
    if kind == "string_pattern_mismatch":
        return _pattern_message(name, str(value), str(ctx.get("pattern")))
    if kind == "list_type":
        return f"{name}: expected a list, got {_describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if "Tag" in error["loc"]:
            return f"{name}: expected a tag name or a mapping, got {_describe(value)}{quote}"
        return f"{name}: expected a mapping, got {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{name}: expected true or false, got {_describe(value)}"
    if kind == "literal_error" and name == "version":
        if isinstance(value, str):
            return f"version must be the number 1, not the string '{value}'"
        return f"unsupported version {value!r}; this reconciler reads version 1"
    if kind == "value_error":
        return f"{name} {ctx.get('error', error['msg'])}"
    return f"{name}: {error['msg']}"


def _length_message(kind: str, name: str, value: str, ctx: dict[str, Any]) -> str:
    if name in _NAMES:
        size = "short" if kind == "string_too_short" else "long"
        count = f"{len(value)} character{'s' if len(value) != 1 else ''}"
        return f"{name} '{value}' is too {size} ({count}; names are 2 to 60)"
    if kind == "string_too_short":
        return f"{name} cannot be empty"
    limit = ctx.get("max_length")
    return f"{name} is {len(value)} characters long; the API accepts at most {limit}"


def _pattern_message(name: str, value: str, pattern: str) -> str:
    if pattern == COLOR_PATTERN:
        return f"{name} '{value}' is not a colour like #RRGGBB"
    if pattern == EMAIL_PATTERN:
        return f"{name}: '{value}' is not an email address"
    if pattern == NAME_PATTERN:
        return f"{name} '{value}' starts or ends with a space or spans lines (the portal trims it)"
    return f"{name} '{value}' does not match {pattern}"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str) and len(value) <= 40:
        return f"the string '{value}'"
    kinds = {str: "a string", list: "a list", dict: "a mapping", bytes: "binary data"}
    return next((v for t, v in kinds.items() if isinstance(value, t)), type(value).__name__)
