"""A saved plan cannot be edited into another deploy: apply makes the plan again from the file's
definitions and the database under the lock, and refuses the whole file on any difference,
leaving the database exactly as it was."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .cli import apply, apply_plan, plan, rows
from .workflow_files import chain, write

Edit = Callable[[dict[str, Any]], None]


def _content_hash(definition: dict[str, Any]) -> str:
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _snapshot(url: str) -> list[Any]:
    return [
        rows(url, f"select * from pypgflow.{table} order by 1, 2")  # noqa: S608
        for table in ("workflow_definitions", "workflow_heads", "deployments", "tenants")
    ]


@pytest.fixture
def saved(runtime_database_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A tenant with orders 1 and refunds 1 applied; a plan saved that adds orders 2."""
    url, tenant = runtime_database_url, f"t{tmp_path.name[-20:].replace('_', '')}"
    assert apply(write(tmp_path / "wf", chain("orders"), chain("refunds")), tenant, url)[0] == 0
    folder = write(tmp_path / "wf", chain("orders", "2", extra="checked"), chain("refunds"))
    path = tmp_path / "plan.json"
    assert plan(folder, tenant, url, "--out", path)[0] == 0
    return tenant, path


def _edited(path: Path, edit: Edit) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _change(data: dict[str, Any], workflow: str) -> dict[str, Any]:
    change: dict[str, Any] = next(c for c in data["plan"]["changes"] if c["workflow"] == workflow)
    return change


def _definition(data: dict[str, Any], name: str) -> dict[str, Any]:
    entry = next(d for d in data["definitions"] if d["definition"]["name"] == name)
    definition: dict[str, Any] = entry["definition"]
    return definition


def _rehashed(data: dict[str, Any], name: str, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit a definition and put its recomputed content hash in the plan, as an attacker would."""
    definition = _definition(data, name)
    edit(definition)
    _change(data, name)["content_hash"] = _content_hash(definition)


def _unchanged_to_retire(data: dict[str, Any]) -> None:
    _change(data, "refunds")["action"] = "retire"


def _rollback_appended(data: dict[str, Any]) -> None:
    data["plan"]["changes"].append(
        {**_change(data, "orders"), "version": "1", "action": "rollback", "revision": None}
    )


def _no_final_state(data: dict[str, Any]) -> None:
    _rehashed(data, "orders", lambda d: [s.update(final=False) for s in d["states"]])


def _long_state_name(data: dict[str, Any]) -> None:
    def rename(definition: dict[str, Any]) -> None:
        definition["states"][1]["name"] = "x" * 5022
        definition["transitions"][0]["to"] = "x" * 5022

    _rehashed(data, "orders", rename)


def _definition_edited(data: dict[str, Any]) -> None:
    _definition(data, "orders")["metadata"]["description"] = "something else"


def _hash_edited(data: dict[str, Any]) -> None:
    _change(data, "orders")["content_hash"] = "0" * 64


def _revision_edited(data: dict[str, Any]) -> None:
    _change(data, "orders")["revision"] = 7


def _prune_added(data: dict[str, Any]) -> None:
    data["prune"] = True
    _change(data, "refunds")["action"] = "retire"


def _fingerprint_edited(data: dict[str, Any]) -> None:
    data["fingerprint"] = "sha256:" + "0" * 64


def _definition_dropped(data: dict[str, Any]) -> None:
    data["definitions"] = [d for d in data["definitions"] if d["definition"]["name"] != "refunds"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_unchanged_to_retire, "(refunds 1: it says action 'retire', the plan 'unchanged')"),
        (_rollback_appended, "(it lists orders 1 (rollback), which the plan does not)"),
        (_definition_edited, "(orders 2: it says content_hash '"),
        (_hash_edited, "(orders 2: it says content_hash '0000"),
        (_revision_edited, "(orders 2: it says revision 7, the plan 2)"),
        (_prune_added, "(refunds 1: it says action 'retire', the plan 'unchanged')"),
        (_definition_dropped, "(it lists refunds 1 (unchanged), which the plan does not)"),
        (_no_final_state, "the definition of orders 2 does not pass lint: no-final-state: "),
        (_long_state_name, "the definition of orders 2 does not pass lint: schema: "),
        (_fingerprint_edited, "the database changed since the plan was made"),
    ],
)
def test_an_edited_plan_is_refused_whole_and_changes_nothing(
    runtime_database_url: str, saved: tuple[str, Path], edit: Edit, expected: str
) -> None:
    tenant, path = saved
    before = _snapshot(runtime_database_url)
    _edited(path, edit)

    code, out, err = apply_plan(path, tenant, runtime_database_url)

    assert (code, "Applied" in out) == (1, False), err
    assert expected in err
    assert err.count("\n") == 1
    assert _snapshot(runtime_database_url) == before


def test_the_plan_as_saved_applies(runtime_database_url: str, saved: tuple[str, Path]) -> None:
    tenant, path = saved

    code, out, _ = apply_plan(path, tenant, runtime_database_url)

    assert code == 0
    assert "  ~ orders 1 -> 2 (new version, revision 2)" in out
    assert rows(
        runtime_database_url,
        "select d.version from pypgflow.workflow_heads h join pypgflow.workflow_definitions d"
        " on d.id = h.definition_id join pypgflow.tenants t on t.id = h.tenant_id"
        " where t.slug = %s order by h.name",
        tenant,
    ) == [("2",), ("1",)]
