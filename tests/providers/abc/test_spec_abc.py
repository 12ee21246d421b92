"""The ABC spec format: what the loader refuses, located, before any request."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.errors import SpecError
from reconciler.loader import parse_spec
from reconciler.providers.abc import PRODUCT

from .world import spec_text


def problems(kinds: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_text(kinds), "abc.yaml")
    return [f"{p.line}:{p.message}" for p in caught.value.problems]


def one_field(key: str, name: str) -> dict[str, Any]:
    """A spec with a channel holding one text field."""
    return {"channels": [{"name": "Web", "fields": [{"key": key, "name": name, "format": "text"}]}]}


def test_a_valid_spec_loads_as_abc() -> None:
    loaded = parse_spec(spec_text({"categories": [{"name": "Bug"}]}), "abc.yaml")
    assert loaded.product is PRODUCT
    assert loaded.where("category", "Bug") is not None


@pytest.mark.parametrize(
    ("kinds", "said"),
    [
        ({"categories": [{"name": "Bug", "colour": "red"}]}, "unknown key 'colour'"),
        ({"categories": [{"name": "Bug"}, {"name": "Bug"}]}, "duplicate category 'Bug'"),
        ({"issues": [{"name": "x" * 31}]}, "at most 30"),
        ({"issues": [{"name": "Crash", "status": "DONE"}]}, "status"),
        (one_field("my-key", "B"), "'my-key' must be letters A-Z a-z, digits and _"),
        (one_field("clé", "B"), "must be letters A-Z a-z"),
        (one_field("createdAt", "B"), "reserved"),
        (one_field("ids", "B"), "reserved"),
        (one_field("a", "Created"), "reserved"),
        (
            {
                "channels": [
                    {
                        "name": "Web",
                        "fields": [{"key": "a", "name": "A", "format": "text", "options": []}],
                    }
                ]
            },
            "options are for select",
        ),
        (
            {
                "channels": [
                    {
                        "name": "Web",
                        "fields": [
                            {"key": "a", "name": "A", "format": "text"},
                            {"key": "a", "name": "B", "format": "text"},
                        ],
                    }
                ]
            },
            "duplicate field 'a'",
        ),
        (
            {"categories": [{"name": "A"}, {"name": "B", "renamed_from": ["A"]}]},
            "names another category",
        ),
        (
            {
                "webhooks": [
                    {
                        "name": "H",
                        "url": "https://x.example.com",
                        "events": [{"type": "ISSUE_CREATION", "channels": ["Web"]}],
                    }
                ]
            },
            "takes no channels",
        ),
        (
            {
                "webhooks": [
                    {
                        "name": "H",
                        "url": "https://x.example.com",
                        "events": [{"type": "ISSUE_CREATION"}],
                        "token": "short",
                    }
                ]
            },
            "16",
        ),
    ],
)
def test_mistakes_are_located(kinds: dict[str, Any], said: str) -> None:
    found = problems(kinds)
    assert any(said in p for p in found), found


def test_provider_is_required_to_mean_abc() -> None:
    with pytest.raises(SpecError):
        parse_spec("version: 1\nchannels: []\n", "abc.yaml")  # productlift has no channels


def test_names_differing_in_case_may_both_stand() -> None:
    kinds = {"categories": [{"name": "Billing"}, {"name": "billing"}]}
    assert len(parse_spec(spec_text(kinds), "abc.yaml").spec.categories) == 2


@pytest.mark.parametrize("key", ["UPPER_key", "Body", "ID", "issueids", "CreatedAt", "x_1"])
def test_field_keys_are_what_the_server_accepts(key: str) -> None:
    """The server's rule is ``/^[a-z0-9_]+$/i`` and its reserved keys compare exactly."""
    fields = [{"key": key, "name": "B", "format": "text"}]
    loaded = parse_spec(spec_text({"channels": [{"name": "Web", "fields": fields}]}), "a.yaml")
    assert loaded.where("field", f"Web/{key}") is not None


def test_needed_credentials_follow_the_kinds() -> None:
    def needed(kinds: dict[str, Any]) -> list[str]:
        return list(PRODUCT.needed_credentials(parse_spec(spec_text(kinds), "a.yaml").spec))

    assert needed({"categories": [{"name": "Bug"}], "issues": [{"name": "Crash"}]}) == [
        "ABC_API_KEY"
    ]
    admin = ["ABC_API_KEY", "ABC_EMAIL", "ABC_PASSWORD"]
    assert needed({"issues": [{"name": "Crash", "category": None}]}) == admin
    assert needed({"channels": [{"name": "Web"}]}) == admin
    assert needed({"prune": {"webhooks": True}}) == admin


def test_export_needs_every_credential() -> None:
    """``export`` has no spec (None) and reads every kind."""
    assert PRODUCT.needed_credentials(None) == ["ABC_API_KEY", "ABC_EMAIL", "ABC_PASSWORD"]
