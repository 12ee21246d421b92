"""The committed JSON Schema is the one the models generate, and it judges specs as we do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from reconciler.schema import SCHEMA_ID, SCHEMA_PATH, main, render_schema

ROOT = Path(__file__).parent.parent
SPECS = Path(__file__).parent / "specs"


def committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def test_schema_path_is_the_committed_file() -> None:
    assert ROOT / "schemas" / "portal.schema.json" == SCHEMA_PATH


def test_committed_schema_is_what_the_models_generate() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "schemas/portal.schema.json is stale: run `python -m reconciler.schema`"
    )


def test_schema_names_itself() -> None:
    schema = committed()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"]
    assert schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_check_passes_on_a_current_file_and_fails_on_a_stale_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schemas" / "portal.schema.json"
    assert main([], path=path) == 1  # not a checkout (no pyproject.toml): nothing written
    assert not path.exists()
    assert "reconciler schema --out" in capsys.readouterr().err
    (tmp_path / "pyproject.toml").write_text("")
    assert main([], path=path) == 0
    assert main(["--check"], path=path) == 0
    path.write_text(path.read_text(encoding="utf-8").replace('"Tags"', '"Labels"'))
    assert main(["--check"], path=path) == 1
    assert "out of date; run `python -m reconciler.schema`" in capsys.readouterr().err
    assert main(["--check"], path=tmp_path / "missing.json") == 1


def test_module_check_exits_zero_on_the_repository() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reconciler.schema", "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "path",
    [ROOT / "examples" / "portal.yaml", *sorted(SPECS.glob("good-*.yaml"))],
    ids=lambda p: p.name,
)
def test_valid_specs_validate_against_the_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), committed())


@pytest.mark.parametrize(
    "name",
    [
        "bad-unknown-key",
        "bad-color",
        "bad-color-null",
        "bad-name-null",
        "bad-name-too-short",
        "bad-name-spaces",
        "bad-version-unsupported",
        "bad-version-missing",
        "bad-member-not-email",
        "bad-icon-too-long",
        "bad-prune",
        "bad-expected-list",
    ],
)
def test_schema_refuses_what_the_loader_refuses(name: str) -> None:
    data = yaml.safe_load((SPECS / f"{name}.yaml").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, committed())
