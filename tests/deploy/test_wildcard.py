"""`from: "*"` through plan and apply against the real server: stored with no source state
(null), read back as "*", so that the file and the rows compare equal and a second plan has
nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.lint import lint_paths
from pypgflow_ops.model import WILDCARD

from .cli import apply, plan, rows

ORDER = """\
workflow:
  name: order
  version: "{version}"
states:
  - name: placed
    initial: true
  - name: packed
  - name: shipped
    final: true
  - name: {cancelled}
    final: true
transitions:
  - from: placed
    to: packed
    name: pack
  - from: packed
    to: shipped
    name: ship
  - from: "*"
    to: {cancelled}
    name: cancel
    conditions:
      field_required: reason
"""


def _write(folder: Path, version: str = "1", cancelled: str = "cancelled") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "order.yaml").write_text(ORDER.format(version=version, cancelled=cancelled))
    return folder


def _transitions(url: str, tenant: str) -> list[tuple[str | None, str, str, str]]:
    return rows(
        url,
        "select d.version, tr.from_state, tr.name, tr.to_state"
        " from pypgflow.workflow_transitions tr"
        " join pypgflow.workflow_definitions d on d.id = tr.definition_id"
        " join pypgflow.tenants t on t.id = tr.tenant_id where t.slug = %s"
        " order by d.version, tr.name",
        tenant,
    )


def test_a_wildcard_is_stored_as_null_and_a_second_plan_has_nothing_to_do(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, folder = runtime_database_url, _write(tmp_path / "wf")

    code, out, err = apply(folder, "wild", url)

    assert (code, err) == (0, "")
    assert _transitions(url, "wild") == [
        ("1", None, "cancel", "cancelled"),
        ("1", "placed", "pack", "packed"),
        ("1", "packed", "ship", "shipped"),
    ]
    code, out, _ = plan(folder, "wild", url, "--detailed-exitcode")
    assert (code, out) == (0, "Tenant wild:\n\nNo changes. The database matches the repository.\n")


def test_the_rows_read_back_are_the_file_and_hash_as_recorded(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, folder = runtime_database_url, _write(tmp_path / "wf")
    assert apply(folder, "readback", url)[0] == 0
    (desired,) = lint_paths([folder]).workflows

    with psycopg.connect(url) as conn:
        (live,) = read_live_state(conn, "readback").definitions  # every row read

    assert live.workflow.canonical() == desired.canonical()  # the rows come in their own order
    assert [t.from_state for t in live.workflow.transitions if t.name == "cancel"] == [WILDCARD]
    assert (live.actual_hash, live.drifted) == (desired.content_hash(), False)


def test_a_changed_wildcard_is_a_new_versions_diff(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    assert apply(_write(tmp_path / "v1"), "changed", url)[0] == 0
    folder = _write(tmp_path / "v2", version="2", cancelled="withdrawn")

    code, out, _ = plan(folder, "changed", url, "--format", "json")
    (change,) = json.loads(out)["changes"]
    assert (code, change["action"]) == (0, "new-version")
    assert change["transitions"] == {
        "added": [],
        "removed": [],
        "changed": ["* --cancel--> withdrawn"],
    }
    code, out, _ = plan(folder, "changed", url)
    assert "      ~ transition * --cancel--> withdrawn\n" in out

    assert apply(folder, "changed", url)[0] == 0
    assert [row for row in _transitions(url, "changed") if row[2] == "cancel"] == [
        ("1", None, "cancel", "cancelled"),
        ("2", None, "cancel", "withdrawn"),
    ]
    assert plan(folder, "changed", url, "--detailed-exitcode")[0] == 0
