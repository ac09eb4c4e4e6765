"""The justfile: the seed's recipes, each running the pypgflow-ops command it stands for.

`just` comes with the dev extras (the PyPI wheel `rust-just`); without it these tests fail with a
line saying so, never skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .cli import REPOSITORY

SEED_RECIPES = {
    "dev",
    "setup",
    "test",
    "check",
    "list-workflows",
    "list-instances",
    "start-workflow",
    "start-workflow-by-id",
    "transition",
    "history",
    "clean",
}


def just_binary() -> str:
    found = shutil.which(
        "just", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    if found is None:
        pytest.fail("just is not installed: `pip install -e '.[dev]'` installs it", pytrace=False)
    return found


def just(*args: str, url: str = "") -> str:
    result = subprocess.run(
        [just_binary(), "--justfile", str(REPOSITORY / "justfile"), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def answer(*args: str, url: str) -> Any:
    return json.loads(just("tenant=acme", *args, "--format", "json", url=url))


def test_the_seeds_recipes_are_there() -> None:
    text = (REPOSITORY / "justfile").read_text(encoding="utf-8")
    parsed = set(re.findall(r"^([a-z][a-z0-9-]*)(?: [^:=]*)?:(?!=)", text, re.M))
    assert parsed >= SEED_RECIPES
    assert set(just("--summary").split()) == parsed


def test_the_runtime_recipes_drive_an_instance(applied: str) -> None:
    names = {w["name"] for w in answer("list-workflows", url=applied)}
    assert "order_fulfilment" in names
    started = answer(
        "start-workflow",
        "orders",
        "just-1",
        "order_fulfilment",
        "--metadata",
        '{"payment_reference": "p 1"}',
        url=applied,
    )
    moved = answer(
        "transition",
        started["id"],
        "payment_authorised",
        "--executed-by",
        "security analyst",
        "--context",
        '{"department": "fraud team"}',
        "--notes",
        "Suspicious pattern",
        url=applied,
    )
    assert moved["current_state"] == "payment_authorised"
    history = answer("history", started["id"], url=applied)
    assert [(h["executed_by"], h["notes"], h["context"]) for h in history[1:]] == [
        ("security analyst", "Suspicious pattern", {"department": "fraud team"})
    ]
    listed = answer("list-instances", "--state", "payment_authorised", url=applied)
    assert started["id"] in {i["id"] for i in listed}
    (definition,) = [
        w["id"] for w in answer("list-workflows", url=applied) if w["name"] == "fraud_detection"
    ]
    by_id = answer("start-workflow-by-id", "transactions", "12345", definition, url=applied)
    assert by_id["workflow_name"] == "fraud_detection"


def test_the_tenant_reaches_pypgflow_ops_as_one_argument(tmp_path: Path) -> None:
    """`just tenant=...` is interpolated into a shell line: it must be quoted, not run."""
    marker = tmp_path / "ran"
    result = subprocess.run(
        [
            just_binary(),
            "--justfile",
            str(REPOSITORY / "justfile"),
            f'tenant=x"; touch {marker}; echo "',
            "list-workflows",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert not marker.exists()
    assert result.returncode != 0
    assert "is not a tenant slug" in result.stderr
