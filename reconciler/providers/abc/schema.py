"""ABC User Feedback's kinds, declared for the engine (CONTRACT.md, "ABC User Feedback").

Names compare exactly (the server's binary collation): ``Billing`` and ``billing`` are two
categories, issues, channels or webhooks, never paired. Fields live in a channel and are
identified by ``key``; their ``key`` and ``format`` cannot change (a plan error), and they are
never deleted: prune deactivates them (``status: INACTIVE``). A webhook's token is secret.
"""

from __future__ import annotations

from ...kinds import Attr, KindSchema, Nature, ProviderSchema

SCHEMA = ProviderSchema(
    "abc",
    (
        KindSchema("category", "categories", compare="exact"),
        KindSchema(
            "issue",
            "issues",
            compare="exact",
            attrs={"category": Attr(ref="category")},
        ),
        KindSchema(
            "channel",
            "channels",
            compare="exact",
            delete_warning=(
                'deleting channel "{name}" deletes its fields and all the feedback it holds'
            ),
        ),
        KindSchema(
            "field",
            "fields",
            name_attr="key",
            compare="exact",
            parent="channel",
            attrs={
                "key": Attr(nature=Nature.FIXED, clearable=False),
                "format": Attr(nature=Nature.FIXED, clearable=False),
            },
            rename=False,
            delete=False,
            prune="deactivate",
            deactivate={"status": "INACTIVE"},
        ),
        KindSchema(
            "webhook",
            "webhooks",
            compare="exact",
            attrs={"token": Attr(secret=True)},
        ),
    ),
)

PUBLIC_KINDS = frozenset({"category", "issue"})
ADMIN_KINDS = frozenset({"channel", "field", "webhook"})
