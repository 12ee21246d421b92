"""Pydantic models of a ``provider: userecho`` spec (format version 1).

Models are frozen and reject unknown keys. An attribute left out of the file is not managed;
:func:`managed` returns just the attributes the file named. Settings the API cannot clear (a
forum's type, locale and flags, a group's vote weight) refuse ``null``; ``vote_count: null``
means unlimited votes. Names are not bounded here beyond being non-empty and trimmed: the
API's length limits apply to what the spec creates or renames, checked when planning
(:mod:`.reading`), so that a name the portal already holds is always accepted. Cross-entry
rules (duplicates, renames, access lists on public forums) live in :mod:`.rules`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic import Tag as Case

from .schema import FORUM_FLAGS

# A name needs a visible character. Outer spaces and line breaks are refused only on new names
# (checked once the portal is read): the portal trims what it is sent, but may hold such a
# name already, and an exported spec must validate as it is.
NAME_PATTERN = r"\S"
EMAIL_PATTERN = r"^[^@\s/,]+@[^@\s/,]+\.[^@\s/,]+$"
LOCALE_PATTERN = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
EVENT_PATTERN = r"^[a-z_]+(?:\.[a-z_]+)+$"

Name = Annotated[str, StringConstraints(min_length=1, pattern=NAME_PATTERN)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)]
Locale = Annotated[str, StringConstraints(pattern=LOCALE_PATTERN)]
Url = Annotated[str, StringConstraints(max_length=500, pattern=URL_PATTERN)]
Event = Annotated[str, StringConstraints(max_length=100, pattern=EVENT_PATTERN)]
ForumType = Literal[
    "PUBLIC", "PRIVATE", "KNOWLEDGEBASE PUBLIC", "KNOWLEDGEBASE PRIVATE", "HELPDESK"
]
VoteWeight = Annotated[int, Field(ge=1, le=5)]
VoteCount = Annotated[int, Field(ge=1)]

NOT_NULL = "cannot be null: the API cannot clear it; leave the key out to keep the portal's value"


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError(NOT_NULL)
    return value


def _lower(value: list[str] | None) -> list[str] | None:
    return None if value is None else [v.lower() for v in value]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # "no" is no boolean


class Portal(_Model):
    """Where the portal is, and how fast to talk to it."""

    url: str | None = Field(default=None, description="Portal URL; --url and USERECHO_URL win")
    rate_limit: int | None = Field(
        default=None,
        ge=0,
        description="Requests a minute (default 60; 0: no pacing); RECONCILER_RATE_LIMIT wins",
    )


class Prune(_Model):
    """Per kind: delete what the portal has and the spec does not name."""

    forums: bool = Field(default=False, description="Deleting a forum deletes its topics")
    categories: bool = False
    tags: bool = False
    groups: bool = False
    webhooks: bool = False


class Category(_Model):
    """A forum category, identified by name within its forum (case-insensitive)."""

    name: Name
    renamed_from: list[Name] = Field(default_factory=list, description="Earlier names")


class Tag(_Model):
    """A forum tag, identified by name within its forum (case-insensitive)."""

    name: Name
    renamed_from: list[Name] = Field(default_factory=list, description="Earlier names")


def _tag_shape(value: Any) -> str:
    return "str" if isinstance(value, str) else "Tag"


def _prune_shape(value: Any) -> str:
    return "Prune" if isinstance(value, dict | Prune) else "bool"


TagEntry = Annotated[
    Annotated[Name, Case("str")] | Annotated[Tag, Case("Tag")], Discriminator(_tag_shape)
]
PruneSetting = Annotated[
    Annotated[bool, Case("bool")] | Annotated[Prune, Case("Prune")], Discriminator(_prune_shape)
]


class Forum(_Model):
    """A forum (feedback, knowledge base, help desk), identified by name."""

    name: Name
    type: ForumType | None = Field(default=None, description="Cannot change once created")
    locale: Locale | None = None
    allow_anonymous_topic: bool | None = None
    allow_anonymous_votes: bool | None = None
    allow_anonymous_comments: bool | None = None
    allow_private_sso_users: bool | None = None
    allow_private_view_all: bool | None = None
    categories: list[Category] = Field(default_factory=list)
    tags: list[TagEntry] = Field(
        default_factory=list, description="Tag names, or {name, renamed_from} mappings"
    )
    access_list: list[Email] | None = Field(
        default=None,
        description="Private forums only: the whole list of emails allowed in; left out, "
        "not managed",
    )
    renamed_from: list[Name] = Field(default_factory=list, description="Earlier names")

    _settings = field_validator("type", "locale", *FORUM_FLAGS)(
        classmethod(lambda cls, v: _not_null(v))
    )
    _emails = field_validator("access_list")(classmethod(lambda cls, v: _lower(v)))

    @field_validator("tags")
    @classmethod
    def _tags_as_models(cls, value: list[str | Tag]) -> list[str | Tag]:
        return [Tag(name=t) if isinstance(t, str) else t for t in value]

    def tag_models(self) -> list[Tag]:
        return [t if isinstance(t, Tag) else Tag(name=t) for t in self.tags]


class Group(_Model):
    """A user group; its members list, when given, is the whole membership."""

    name: Name
    vote_weight: VoteWeight | None = Field(default=None, description="1 to 5")
    vote_count: VoteCount | None = Field(
        default=None, description="Votes each member has; null: unlimited"
    )
    members: list[Email] | None = Field(
        default=None, description="The whole membership, by email; left out, not managed"
    )
    renamed_from: list[Name] = Field(default_factory=list, description="Earlier names")

    _weight = field_validator("vote_weight")(classmethod(lambda cls, v: _not_null(v)))
    _members = field_validator("members")(classmethod(lambda cls, v: _lower(v)))


class Webhook(_Model):
    """A webhook: its event and target URL are its identity (a change is a new webhook)."""

    event: Event = Field(description="An event as GET hooks/events names it: topic.created...")
    target_url: Url


class Spec(_Model):
    """A whole ``provider: userecho`` spec."""

    version: Literal[1] = Field(description="Format version; only 1 exists")
    provider: Literal["userecho"] = Field(description="The product: userecho")
    portal: Portal | None = None
    prune: PruneSetting = Field(
        default=False, description="true/false for every kind, or a mapping per kind"
    )
    forums: list[Forum] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    webhooks: list[Webhook] = Field(default_factory=list)

    def prunes(self, plural: str) -> bool:
        """Whether resources of ``plural`` (as ``prune`` names them) absent from the spec go."""
        if isinstance(self.prune, bool):
            return self.prune
        return bool(getattr(self.prune, plural, False))


def managed(model: BaseModel, *exclude: str) -> dict[str, Any]:
    """The attributes the file named (set, even to null), minus ``exclude``, in model order."""
    skip = {"renamed_from", "categories", "tags", "access_list", "members", *exclude}
    named = model.model_fields_set
    return {k: getattr(model, k) for k in type(model).model_fields if k in named and k not in skip}
