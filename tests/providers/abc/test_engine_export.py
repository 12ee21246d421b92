"""Export → validate → plan is empty for what the server holds, made by hand (in process)."""

from __future__ import annotations

from reconciler.engine import build_plan
from reconciler.export import dump_spec
from reconciler.loader import parse_spec
from reconciler.providers.abc.export import export_spec
from reconciler.state import Desired

from .helpers import field
from .world import A, World


def test_field_keys_the_server_accepts_export_validate_and_plan_empty(world: World) -> None:
    """The server's key rule is ``/^[a-z0-9_]+$/i``; its reserved keys compare exactly."""
    fields = [field("UPPER_key", "Upper"), field("ID", "Ident"), field("createdat", "Made")]
    body = {"name": "Web", "description": None, "feedbackSearchMaxDays": 365, "fields": fields}
    with world.hand() as hand:
        made = hand.post(A.replace("{projectId}", "1") + "channels", json=body)
        assert made.status_code == 201, made.text
    text = dump_spec(export_spec(world.portal.read(Desired(everything=True)), None))
    assert "key: UPPER_key" in text
    loaded = parse_spec(text, "exported.yaml")
    assert [f.key for f in loaded.spec.channels[0].fields] == ["ID", "UPPER_key", "createdat"]
    plan = build_plan(loaded.spec, world.portal)
    assert plan.changes == ()
    assert plan.unmanaged == ()
