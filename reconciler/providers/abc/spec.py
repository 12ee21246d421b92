"""Pydantic models of an ABC User Feedback spec (``provider: abc``, format version 1).

Frozen, unknown keys refused. An attribute left out is not managed; ``null`` clears it where
the API allows (told apart with ``model_fields_set``: :func:`managed`). The limits are the
server's own: category names 1-255 characters, issue names 1-30 and descriptions up to 50,
channel names 1-20 and descriptions up to 50, field keys of ASCII letters (either case),
digits and ``_`` (the server's ``/^[a-z0-9_]+$/i``, so that any key it holds can be exported)
and names up to 255, webhook tokens 16 or more of ``[A-Za-z0-9._-]`` (or empty). Cross-entry
rules are in :mod:`.rules`; webhook URLs are checked there as the server checks them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints
from pydantic import Tag as Case

KINDS = ("categories", "issues", "channels", "fields", "webhooks")
KEY_PATTERN = r"^[A-Za-z0-9_]+$"
TOKEN_PATTERN = r"^(?:|[A-Za-z0-9._-]{16,})$"
URL_PATTERN = r"^https?://[^\s/?#]+(?:[/?#]\S*)?$"
STATUSES = ("INIT", "ON_REVIEW", "IN_PROGRESS", "RESOLVED", "PENDING")
FORMATS = ("text", "keyword", "number", "select", "multiSelect", "date", "images")
EVENT_TYPES = ("FEEDBACK_CREATION", "ISSUE_CREATION", "ISSUE_STATUS_CHANGE", "ISSUE_ADDITION")
WITH_CHANNELS = frozenset({"FEEDBACK_CREATION", "ISSUE_ADDITION"})
RESERVED_KEYS = frozenset({"id", "ids", "issues", "issueIds", "createdAt", "updatedAt"})
RESERVED_NAMES = frozenset({"ID", "Created", "Updated", "Issue"})

CategoryName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
IssueName = Annotated[str, StringConstraints(min_length=1, max_length=30)]
ChannelName = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Short = Annotated[str, StringConstraints(max_length=50)]
Long = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=KEY_PATTERN)]
Token = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
Url = Annotated[str, StringConstraints(max_length=2000, pattern=URL_PATTERN)]
Active = Literal["ACTIVE", "INACTIVE"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # "no" is no boolean


class Portal(_Model):
    """Where the server is, and which of its projects this spec configures."""

    url: str | None = Field(default=None, description="Server URL; --url and ABC_URL win")
    project: int = Field(default=1, ge=1, description="The project id (1 unless told)")


class Prune(_Model):
    """Per kind: remove what the portal has and the spec does not name (fields: deactivate)."""

    categories: bool = False
    issues: bool = False
    channels: bool = False
    fields: bool = False
    webhooks: bool = False


class Category(_Model):
    """A category, identified by its exact name."""

    name: CategoryName
    renamed_from: list[CategoryName] = Field(default_factory=list, description="Earlier names")


class Issue(_Model):
    """An issue, identified by its exact name (unique per project)."""

    name: IssueName
    description: Short | None = None
    status: Literal["INIT", "ON_REVIEW", "IN_PROGRESS", "RESOLVED", "PENDING"] = Field(
        default="INIT", description="Left out: not managed"
    )
    external_id: Long | None = Field(default=None, description="externalIssueId; null clears")
    category: CategoryName | None = Field(
        default=None, description="A category of this spec or of the portal; null: none"
    )
    renamed_from: list[IssueName] = Field(default_factory=list, description="Earlier names")


class Option(_Model):
    """One choice of a select or multiSelect field."""

    key: Long
    name: Long


class ChannelField(_Model):
    """A field of a channel, identified by ``key``; never deleted (prune deactivates it)."""

    key: Key
    name: Long
    format: Literal["text", "keyword", "number", "select", "multiSelect", "date", "images"] = Field(
        description="Cannot change once created: use a new key"
    )
    description: str | None = Field(default=None, description="Sent as null when left out")
    property: Literal["EDITABLE", "READ_ONLY"] = "EDITABLE"
    status: Active = "ACTIVE"
    options: list[Option] | None = Field(default=None, description="select and multiSelect only")


class Channel(_Model):
    """A feedback channel, identified by its exact name, with the fields it collects."""

    name: ChannelName
    description: Short | None = None
    feedback_search_max_days: int | None = Field(
        default=None, ge=-1, description="feedbackSearchMaxDays (365 when created without)"
    )
    fields: list[ChannelField] | None = Field(
        default=None, description="Fields by key; those left out are unmanaged (or deactivated)"
    )
    renamed_from: list[ChannelName] = Field(default_factory=list, description="Earlier names")


class Event(_Model):
    """One event a webhook sends; event types not listed are left out."""

    type: Literal["FEEDBACK_CREATION", "ISSUE_CREATION", "ISSUE_STATUS_CHANGE", "ISSUE_ADDITION"]
    status: Active = "ACTIVE"
    channels: list[ChannelName] = Field(
        default_factory=list, description="Channel names (FEEDBACK_CREATION, ISSUE_ADDITION)"
    )


class Webhook(_Model):
    """A webhook, identified by its exact name; ``token`` is secret (use ``${VAR}``)."""

    name: Long
    url: Url
    status: Active = "ACTIVE"
    events: list[Event] = Field(min_length=1)
    token: Token | None = Field(default=None, description="Secret: write ${ABC_WEBHOOK_TOKEN}")
    renamed_from: list[Long] = Field(default_factory=list, description="Earlier names")


def _prune_shape(value: Any) -> str:
    return "Prune" if isinstance(value, dict | Prune) else "bool"


PruneSetting = Annotated[
    Annotated[bool, Case("bool")] | Annotated[Prune, Case("Prune")], Discriminator(_prune_shape)
]


class Spec(_Model):
    """A whole ABC User Feedback spec."""

    version: Literal[1] = Field(description="Format version; only 1 exists")
    provider: Literal["abc"] = Field(description="The product: abc (ABC User Feedback)")
    portal: Portal | None = None
    prune: PruneSetting = Field(
        default=False, description="true/false for every kind, or a mapping per kind"
    )
    categories: list[Category] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    webhooks: list[Webhook] = Field(default_factory=list)

    @property
    def project(self) -> int:
        return self.portal.project if self.portal is not None else 1

    def prunes(self, kind: str) -> bool:
        """Whether ``kind`` (plural, as in KINDS) absent from the spec is pruned."""
        if isinstance(self.prune, bool):
            return self.prune
        return bool(getattr(self.prune, kind, False))


def managed(model: BaseModel, *exclude: str) -> dict[str, Any]:
    """The attributes the file named (set, even to null), minus ``exclude``, in model order."""
    skip = {"renamed_from", "fields", "provider", *exclude}
    named = model.model_fields_set
    return {k: getattr(model, k) for k in type(model).model_fields if k in named and k not in skip}
