"""Plans for several tenants: the tenants table, repeated --tenant, --all-tenants, one report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.deploy.cli import apply, heads, run, versions
from tests.deploy.workflow_files import chain, write

NO_SERVER = "postgresql://nobody@127.0.0.1:1/none"  # connecting here would fail loudly


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """common/ for everyone, acme/ for acme only; a tenants table for acme and globex."""
    write(tmp_path / "workflows" / "common", chain("orders"))
    write(tmp_path / "workflows" / "acme", chain("billing"))
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pypgflow-ops.tenants]\n"
        'acme = ["workflows/common", "workflows/acme"]\n'
        'globex = ["workflows/common"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_repeated_tenant_plans_every_tenant_with_its_own_paths(
    repo: Path, runtime_database_url: str
) -> None:
    code, out, _ = run(
        "plan", "--tenant", "acme", "--tenant", "globex", "--database-url", runtime_database_url
    )
    assert code == 0
    assert out == (
        "Tenant acme:\n"
        "  + tenant acme (create)\n"
        "  + billing 1 (create: 3 states, 2 transitions)\n"
        "  + orders 1 (create: 3 states, 2 transitions)\n"
        "\n"
        "Plan: 2 to create, 0 new versions, 0 to roll back, 0 to retire, 0 unchanged.\n"
        "\n"
        "Tenant globex:\n"
        "  + tenant globex (create)\n"
        "  + orders 1 (create: 3 states, 2 transitions)\n"
        "\n"
        "Plan: 1 to create, 0 new versions, 0 to roll back, 0 to retire, 0 unchanged.\n"
        "\n"
        "Fleet: 2 tenants: 2 with changes (acme, globex), 0 without changes, 0 refused.\n"
    )


def test_all_tenants_json_is_one_document_and_detailed_exitcode_spans_the_fleet(
    repo: Path, runtime_database_url: str
) -> None:
    url = runtime_database_url
    assert apply(repo / "workflows" / "common", "globex", url)[0] == 0
    code, out, _ = run(
        "plan", "--all-tenants", "--database-url", url, "-f", "json", "--detailed-exitcode"
    )
    assert code == 2
    document = json.loads(out)
    assert [t["tenant"] for t in document["tenants"]] == ["acme", "globex"]
    assert document["tenants"][1]["summary"]["has_changes"] is False
    assert document["summary"] == {
        "tenants": 2,
        "with_changes": ["acme"],
        "without_changes": ["globex"],
        "errors": [],
        "has_changes": True,
    }
    code, _, _ = run("plan", "--tenant", "globex", "--database-url", url, "--detailed-exitcode")
    assert code == 0


def test_paths_given_apply_to_every_named_tenant(repo: Path, runtime_database_url: str) -> None:
    code, out, _ = run(
        "plan",
        "workflows/acme",
        "--tenant",
        "acme",
        "--tenant",
        "globex",
        "--database-url",
        runtime_database_url,
        "-f",
        "json",
    )
    assert code == 0
    document = json.loads(out)
    assert [[c["workflow"] for c in t["changes"]] for t in document["tenants"]] == [
        ["billing"],
        ["billing"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "initech"], "--tenant 'initech' is not in the `tenants` table"),
        (["--tenant", "acme", "--tenant", "acme"], "--tenant 'acme' is given twice"),
        (["--tenant", "acme", "--all-tenants"], "not both"),
        ([], "Missing option '--tenant': give --tenant SLUG"),
        (["--tenant", "acme", "--lock-timeout", "soon"], "--lock-timeout 'soon' is not a"),
    ],
)
def test_bad_tenant_options_are_refused_before_anything_connects(
    repo: Path, args: list[str], message: str
) -> None:
    for command in (["plan"], ["apply", "--yes"]):
        code, _, err = run(*command, *args, "--database-url", NO_SERVER)
        assert code == 2, (command, err)
        assert message in err
        assert "cannot connect" not in err


def test_all_tenants_needs_a_tenants_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("plan", "--all-tenants", "--database-url", NO_SERVER)
    assert code == 2
    assert "--all-tenants needs a `tenants` table" in err


def test_a_fleet_plan_file_applies_exactly_and_is_refused_whole_when_a_tenant_moved_on(
    repo: Path, make_database
) -> None:
    url = make_database(runtime=True)
    saved = repo / "fleet.plan"
    code, _, err = run("plan", "--all-tenants", "--database-url", url, "--out", saved)
    assert code == 0
    assert "apply it with `apply --plan " in err and "--tenant acme --tenant globex" in err
    code, _, err = run("apply", "--plan", saved, "--tenant", "acme", "--database-url", url, "--yes")
    assert code == 1 and "a plan for several tenants" in err
    code, out, err = run("apply", "--plan", saved, "--all-tenants", "--database-url", url, "--yes")
    assert code == 0, err
    assert heads(url, "acme") == {"orders": "1", "billing": "1"}
    assert heads(url, "globex") == {"orders": "1"}

    run("plan", "--all-tenants", "--database-url", url, "--out", saved)
    write(repo / "workflows" / "common", chain("orders", "2"))
    assert run("plan", "--all-tenants", "--database-url", url, "--out", saved)[0] == 0
    write(repo / "other", chain("orders", "2", note="moved on"))
    assert apply(repo / "other", "globex", url)[0] == 0  # globex moves on
    code, out, err = run("apply", "--plan", saved, "--all-tenants", "--database-url", url, "--yes")
    assert code == 1
    assert "globex: failed, nothing changed: the database changed since" in out
    assert "acme: failed, nothing changed: not applied: another tenant failed" in out
    assert heads(url, "acme") == {"orders": "1", "billing": "1"}
    assert [v[:2] for v in versions(url, "acme")] == [("billing", "1"), ("orders", "1")]
