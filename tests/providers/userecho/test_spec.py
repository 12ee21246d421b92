"""The ``provider: userecho`` spec format: what loads, and each mistake at its line."""

from __future__ import annotations

import pytest

from reconciler.errors import SpecError
from reconciler.loader import parse_spec
from reconciler.providers.userecho.spec import Spec

HEAD = "version: 1\nprovider: userecho\n"


def problems(body: str) -> list[str]:
    with pytest.raises(SpecError) as error:
        parse_spec(HEAD + body, "p.yaml")
    return [f"{p.line}:{p.col}: {p.message}" for p in error.value.problems]


def test_the_example_shape_loads_with_tags_as_strings_or_mappings() -> None:
    body = (
        "forums:\n  - name: Feedback\n    type: PUBLIC\n"
        "    tags: [mobile, {name: billing, renamed_from: [invoices]}]\n"
        "groups:\n  - name: Beta\n    vote_count: null\n    members: [Alice@Example.com]\n"
    )
    spec = parse_spec(HEAD + body, "p.yaml").spec
    assert isinstance(spec, Spec)
    assert [t.name for t in spec.forums[0].tag_models()] == ["mobile", "billing"]
    assert spec.groups[0].members == ["alice@example.com"]
    assert "vote_count" in spec.groups[0].model_fields_set


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "forums:\n  - name: F\n    categories: [{name: Bugs}, {name: bugs}]\n",
            "5:39: duplicate category 'bugs' in forum 'F' (first at line 5)",
        ),
        ("forums:\n  - name: F\n  - name: f\n", "5:11: duplicate forum 'f' (first at line 4)"),
        ("forums:\n  - name: F\n    tags: [a, A]\n", "5:15: duplicate tag 'A' in forum 'F'"),
        (
            "forums:\n  - name: F\n    type: PRIVATE\n    access_list: [a@x.com, A@x.com]\n",
            "6:28: 'A@x.com' listed twice in access_list of forum 'F'",
        ),
        (
            "forums:\n  - name: F\n    access_list: [a@x.com]\n",
            "5:5: access_list is for private forums, and 'F' is a forum without a type",
        ),
        ("forums:\n  - name: F\n    type: null\n", "5:11: type cannot be null"),
        ("forums:\n  - name: F\n    type: SECRET\n", "5:11: type: Input should be"),
        ("forums:\n  - name: F\n    locale: english\n", "5:13: locale 'english' is not a language"),
        ("groups:\n  - name: G\n    vote_weight: 6\n", "5:18: vote_weight: Input should be less"),
        ("groups:\n  - name: G\n    vote_count: 0\n", "5:17: vote_count: Input should be greater"),
        ("groups:\n  - name: G\n    members: [bob]\n", "5:15: members: 'bob' is not an email"),
        (
            "groups:\n  - name: A\n  - name: B\n    renamed_from: [a]\n",
            "6:20: renamed_from 'a' names another group (line 4)",
        ),
        (
            "webhooks:\n  - {event: topic.created, target_url: 'https://h.example.com'}\n"
            "  - {event: topic.created, target_url: 'https://h.example.com'}\n",
            "5:5: webhook topic.created → https://h.example.com listed twice",
        ),
        (
            "webhooks:\n  - {event: topic.created, target_url: 'ftp://h'}\n",
            "4:40: target_url 'ftp://h' is not an http or https URL",
        ),
        ("forums:\n  - name: F\n    tag: [x]\n", "5:5: unknown key 'tag'; did you mean 'tags'?"),
    ],
)
def test_each_mistake_is_reported_at_its_line(body: str, expected: str) -> None:
    found = problems(body)
    assert any(p.startswith(expected) for p in found), found


def test_provider_is_required_to_read_a_userecho_spec() -> None:
    with pytest.raises(SpecError) as error:
        parse_spec("version: 1\nforums: []\n", "p.yaml")  # the default provider: productlift
    assert "unknown key 'forums'" in str(error.value)


def test_webhook_urls_differing_in_letter_case_are_two_webhooks() -> None:
    body = (
        "webhooks:\n  - {event: topic.created, target_url: 'https://h.example.com/ue'}\n"
        "  - {event: topic.created, target_url: 'https://h.example.com/UE'}\n"
    )
    assert len(parse_spec(HEAD + body, "p.yaml").spec.webhooks) == 2
