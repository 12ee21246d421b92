"""Property: any valid Spec survives dump → load unchanged and satisfies the JSON Schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.export import literal_dollars
from reconciler.loader import parse_spec
from reconciler.providers.productlift.spec import (
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
from reconciler.schema import SCHEMA_PATH

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

TEXT = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="/")
NAMES = st.text(TEXT, min_size=2, max_size=60).filter(
    lambda s: not s[0].isspace() and not s[-1].isspace()
)
# free text: anything a person types, newlines and tabs included; not C0/C1 controls such as
# U+0085, which YAML itself reads as a line break
PROSE = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n\t"),
    max_size=255,
)
COLORS = st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z")
SLUGS = st.from_regex(r"\A[a-z][a-z0-9-]{0,20}\Z")
EMAILS = st.builds(
    "{}@{}.{}".format,
    st.from_regex(r"\A[a-z0-9._+-]{1,12}\Z"),
    st.from_regex(r"\A[a-z0-9-]{1,12}\Z"),
    st.sampled_from(["com", "org", "io"]),
)
OPTIONAL = st.sampled_from(["omit", "null", "set"])


def unique_names(max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(NAMES, max_size=max_size, unique_by=str.casefold)


@st.composite
def named(draw: st.DrawFn, max_size: int = 5) -> list[tuple[str, list[str]]]:
    """Entries (name, renamed_from): every name, own or earlier, distinct from all others."""
    entries: list[tuple[str, list[str]]] = []
    for name in draw(unique_names(max_size * 2)):
        earlier_name: bool = draw(st.booleans())
        if entries and earlier_name:
            entries[-1][1].append(name)
        else:
            entries.append((name, []))
    return entries[:max_size]


def maybe(draw: st.DrawFn, key: str, value: st.SearchStrategy[Any]) -> dict[str, Any]:
    """``key`` left out, set to null, or set to a drawn value: the three a file can say."""
    choice = draw(OPTIONAL)
    return {} if choice == "omit" else {key: None if choice == "null" else draw(value)}


def renames(old: list[str]) -> dict[str, Any]:
    return {"renamed_from": old} if old else {}


@st.composite
def sections(draw: st.DrawFn, tabs: list[str], tab: str | None, depth: int) -> list[Section]:
    out = []
    for title, old in draw(named(max_size=3 if depth else 4)):
        fields: dict[str, Any] = {"title": title, **renames(old)}
        here = tab if tab is not None else draw(st.sampled_from(tabs))
        if tab is None or draw(st.booleans()):
            fields["tab"] = here  # required at the top, allowed (same tab) below
        fields |= maybe(draw, "description", PROSE)
        fields |= maybe(draw, "icon", st.text(TEXT, max_size=50))
        fields |= maybe(draw, "color", COLORS)
        fields |= maybe(draw, "hidden", st.booleans())
        if depth < 3 and draw(st.booleans()):
            fields["sections"] = draw(sections(tabs, here, depth + 1))
        out.append(Section(**fields))
    return out


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    tabs = draw(st.lists(SLUGS, min_size=1, max_size=3, unique=True))
    fields: dict[str, Any] = {"version": 1, "tabs": [Tab(slug=t) for t in tabs]}
    if draw(st.booleans()):
        fields["portal"] = Portal(url=draw(st.sampled_from(["https://f.example.com", None])))
    fields["prune"] = draw(st.booleans() | st.builds(Prune, tags=st.booleans()))
    fields["categories"] = [
        Category(
            name=n,
            **renames(old),
            **({"color": c} if (c := draw(COLORS | st.none())) else {}),  # type: ignore[arg-type]
        )
        for n, old in draw(named())
    ]
    fields["statuses"] = [
        Status(name=n, **renames(old), **maybe(draw, "tab", st.sampled_from(tabs)))
        for n, old in draw(named())
    ]
    fields["tags"] = [Tag(name=n, **renames(old)) if old else n for n, old in draw(named())]
    fields["sections"] = draw(sections(tabs, None, 0))
    fields["groups"] = [
        Group(
            name=n,
            **renames(old),
            **maybe(draw, "description", PROSE),
            **maybe(draw, "members", st.lists(EMAILS, max_size=4, unique_by=str.lower)),
        )
        for n, old in draw(named())
    ]
    kept = draw(st.sets(st.sampled_from(sorted(fields))))  # leave some kinds out entirely
    return Spec(**{k: v for k, v in fields.items() if k in kept or k in ("version", "tabs")})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_dumped_spec_loads_back_unchanged_and_fits_the_schema(spec: Spec) -> None:
    data = spec.model_dump(mode="json", exclude_unset=True)
    # ${ in a value is written $${, as export writes it: the loader reads ${NAME} from the env
    dumped = literal_dollars(data)
    text = yaml.safe_dump(dumped, allow_unicode=bool(len(str(data)) % 2), sort_keys=False)
    loaded = parse_spec(text, "dumped.yaml").spec
    assert loaded == spec
    assert loaded.model_dump(mode="json", exclude_unset=True) == data  # null vs left out kept
    VALIDATOR.validate(data)
