"""A provider written inside the test suite: proof that the next product is a folder.

"Toy" is a small board product: boards, each with cards (a child kind: identity
``BOARD/TITLE``). Its API is a fake in memory behind ``httpx.MockTransport``, written here; no
engine module knows any of it. Everything a real provider has is here, at its smallest:
declared kinds, a spec model, cross-entry rules, desired resources, a Portal that reads each
collection once and writes one request per change.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any, Literal

import click
import httpx
from pydantic import BaseModel, ConfigDict, Field

from reconciler.connect import Target
from reconciler.http import Client
from reconciler.kinds import Id, Ident, KindSchema, ProviderSchema
from reconciler.plan import Action, Change
from reconciler.providers import Product
from reconciler.spec_doc import Document
from reconciler.state import Desired, LiveState, Resource

SCHEMA = ProviderSchema(
    "toy",
    (
        KindSchema("board", "boards"),
        KindSchema("card", "cards", name_attr="title", parent="board", compare="exact"),
    ),
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Card(_Model):
    title: str
    body: str | None = None


class Board(_Model):
    name: str
    renamed_from: list[str] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)


class Spec(_Model):
    version: Literal[1]
    provider: Literal["toy"]
    prune: bool = False
    boards: list[Board] = Field(default_factory=list)


def check(doc: Document) -> tuple[list[Any], dict[tuple[str, str], Any]]:
    index = {}
    for board, pos in zip(
        doc.data.get("boards") or [],
        doc.items.get(id(doc.data.get("boards")), []),
        strict=False,
    ):
        if isinstance(board, dict) and isinstance(board.get("name"), str):
            index[("board", board["name"].lower())] = pos
    return [], index


def desired(spec: Spec) -> Desired:
    boards = [
        Resource(
            "board", (b.name,), {"name": b.name}, renamed_from=tuple((o,) for o in b.renamed_from)
        )
        for b in spec.boards
    ]
    cards = [
        Resource(
            "card",
            (b.name, c.title),
            {"title": c.title, **({"body": c.body} if "body" in c.model_fields_set else {})},
            parent=(b.name,),
        )
        for b in spec.boards
        for c in b.cards
    ]
    prune = frozenset({"board", "card"}) if spec.prune else frozenset()
    return Desired({"board": boards, "card": cards}, prune=prune)


class FakeApi:
    """The product's API: ``/api/boards`` and ``/api/boards/{id}/cards``, ids from 1."""

    def __init__(self) -> None:
        self.boards: dict[int, dict[str, Any]] = {}
        self.cards: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.requests: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method, parts = request.method, request.url.path.strip("/").split("/")[1:]
        self.requests.append((method, request.url.path))
        body = json.loads(request.content) if request.content else {}
        if parts == ["boards"] and method == "GET":
            return httpx.Response(200, json=list(self.boards.values()))
        if parts == ["boards"] and method == "POST":
            return self._create(self.boards, {"name": body["name"]})
        if len(parts) == 2 and parts[0] == "boards":
            return self._change(self.boards, int(parts[1]), method, body)
        if len(parts) == 3 and parts[2] == "cards" and method == "GET":
            board = int(parts[1])
            return httpx.Response(200, json=[c for c in self.cards.values() if c["board"] == board])
        if len(parts) == 3 and parts[2] == "cards" and method == "POST":
            return self._create(self.cards, {"board": int(parts[1]), "body": None, **body})
        if len(parts) == 2 and parts[0] == "cards":
            return self._change(self.cards, int(parts[1]), method, body)
        return httpx.Response(404, json={"message": "no such route"})

    def _create(self, table: dict[int, dict[str, Any]], row: dict[str, Any]) -> httpx.Response:
        new = next(self.ids)
        table[new] = {"id": new, **row}
        return httpx.Response(201, json={"id": new})

    def _change(
        self, table: dict[int, dict[str, Any]], id_: int, method: str, body: dict[str, Any]
    ) -> httpx.Response:
        if id_ not in table:
            return httpx.Response(404, json={"message": "not found"})
        if method == "DELETE":
            del table[id_]
            if table is self.boards:  # a board takes its cards along
                for card in [c for c, row in self.cards.items() if row["board"] == id_]:
                    del self.cards[card]
        else:
            table[id_].update(body)
        return httpx.Response(200, json={})


class ToyPortal:
    """The Portal: reads boards, then the cards of the boards the spec names."""

    def __init__(self, client: Client, target: str) -> None:
        self.client, self.target = client, target

    @property
    def product(self) -> Product:
        return PRODUCT

    def read(self, desired: Desired) -> LiveState:
        boards = [
            Resource("board", (b["name"],), {"name": b["name"]}, id=b["id"])
            for b in self.client.get("boards")
        ]
        named = {d.own.lower() for d in desired.of("board")} | {
            old[-1].lower() for d in desired.of("board") for old in d.renamed_from
        }
        cards = [
            Resource(
                "card",
                (b.own, c["title"]),
                {"title": c["title"], "body": c["body"]},
                id=c["id"],
                parent=b.ident,
            )
            for b in boards
            if desired.everything or b.own.lower() in named
            for c in self.client.get(f"boards/{b.id}/cards")
        ]
        return LiveState({"board": boards, "card": cards})

    def write(self, change: Change, ids: Mapping[tuple[str, Ident], Id]) -> Id | None:
        path = "boards" if change.kind == "board" else "cards"
        if change.action is Action.DELETE:
            self.client.delete(f"{path}/{change.id}")
            return None
        if change.action is Action.UPDATE:
            self.client.put(f"{path}/{change.id}", json=dict(change.after or {}))
            return change.id
        if change.kind == "card":
            assert change.refs.parent is not None
            board = ids[("board", change.refs.parent)]
            return self.client.post(f"boards/{board}/cards", json=dict(change.after or {}))["id"]  # type: ignore[no-any-return]
        return self.client.post("boards", json=dict(change.after or {}))["id"]  # type: ignore[no-any-return]

    def close(self) -> None:
        self.client.close()


API = FakeApi()


def connect(target: Target, env: Mapping[str, str]) -> ToyPortal:
    client = Client(
        target.url, api_prefix="/api", transport=httpx.MockTransport(API), backoff_base=0.01
    )
    return ToyPortal(client, target.url)


def _serve() -> click.Command:
    raise NotImplementedError  # pragma: no cover - the toy has no sandbox server


PRODUCT = Product(
    name="toy",
    title="Toy boards",
    schema=SCHEMA,
    spec_model=Spec,
    url_env="TOY_URL",
    credentials=(),
    check=check,
    desired=desired,
    connect=connect,
    export=lambda live, url: {"version": 1, "provider": "toy"},
    summarize=lambda spec: {"boards": len(spec.boards)},
    serve=_serve,
)
