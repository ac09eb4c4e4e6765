"""plan and apply through the command line, against the real server: every action, saved plans,
the exit codes, and what lands in the database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from .cli import apply, apply_plan, heads, plan, rows, run, versions
from .workflow_files import chain, write


def test_apply_on_an_empty_database_brings_everything_up_in_one_go(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_database()
    folder = write(tmp_path / "wf", chain("orders"), chain("refunds", states=4))

    code, out, _ = plan(folder, "acme", url, "--detailed-exitcode")
    assert code == 2
    assert out.startswith("Tenant acme:\n  + runtime ")
    assert (
        "  + tenant acme (create)\n"
        "  + orders 1 (create: 3 states, 2 transitions)\n"
        "  + refunds 1 (create: 4 states, 3 transitions)\n"
    ) in out

    code, out, err = apply(folder, "acme", url, "--actor", "ci-bot")

    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("Applied (deployment ")
    assert versions(url, "acme") == [("orders", "1", 1, False), ("refunds", "1", 1, False)]
    assert heads(url, "acme") == {"orders": "1", "refunds": "1"}
    assert rows(
        url,
        "select count(*) from pypgflow.workflow_states s join pypgflow.tenants t"
        " on t.id = s.tenant_id where t.slug = 'acme'",
    ) == [(7,)]
    ((actor, commit, plan_hash, summary),) = rows(
        url, "select actor, git_commit, plan_hash, summary from pypgflow.deployments"
    )
    assert (actor, commit, len(plan_hash)) == ("ci-bot", None, 64)
    assert (summary["create"], summary["runtime"], summary["create_tenant"]) == (2, "install", True)


def test_the_same_repository_twice_says_no_changes_and_writes_nothing(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, folder = runtime_database_url, write(tmp_path / "wf", chain("orders"))
    assert apply(folder, "twice", url)[0] == 0
    before = rows(url, "select count(*) from pypgflow.deployments")

    code, out, _ = apply(folder, "twice", url)

    assert (code, out) == (0, "Tenant twice:\n\nNo changes. The database matches the repository.\n")
    assert rows(url, "select count(*) from pypgflow.deployments") == before
    assert versions(url, "twice") == [("orders", "1", 1, False)]
    assert plan(folder, "twice", url, "--detailed-exitcode")[0] == 0


def test_a_new_version_is_added_beside_the_old_one_and_becomes_active(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    apply(write(tmp_path / "wf", chain("orders")), "newver", url)
    folder = write(tmp_path / "wf", chain("orders", "2", extra="checked"))

    code, out, _ = plan(folder, "newver", url, "--format", "json")
    (change,) = json.loads(out)["changes"]
    assert (code, change["action"], change["active_version"]) == (0, "new-version", "1")
    assert change["states"]["added"] == ["checked"]
    assert change["transitions"]["removed"] == ["start --to_s1--> s1"]

    code, out, _ = plan(folder, "newver", url, "--format", "markdown")
    assert code == 0
    assert "| ~ | ` orders ` | ` 2 ` | new-version | from ` 1 ` |" in out
    assert "- added state ` checked `\n" in out
    assert "```mermaid\n" in out

    assert apply(folder, "newver", url)[0] == 0
    assert versions(url, "newver") == [("orders", "1", 1, False), ("orders", "2", 2, False)]
    assert heads(url, "newver") == {"orders": "2"}


def test_changed_content_under_an_applied_version_is_a_conflict_and_nothing_is_written(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    apply(write(tmp_path / "wf", chain("orders")), "clash", url)
    folder = write(tmp_path / "wf", chain("orders", note="edited"))

    code, out, _ = apply(folder, "clash", url)

    assert code == 1
    assert "  ! orders 1 (conflict: version 1 was already applied with other content;" in out
    assert out.endswith("Plan refused: 1 conflict, 0 drift.\n")
    assert plan(folder, "clash", url, "--detailed-exitcode")[0] == 1
    assert versions(url, "clash") == [("orders", "1", 1, False)]


HAND_EDITS = {
    "update": "update pypgflow.workflow_states s set metadata = '{}' from pypgflow.tenants t"
    " where t.id = s.tenant_id and t.slug = %s and s.name = 'done'",
    "delete": "delete from pypgflow.workflow_transitions x using pypgflow.tenants t"
    " where t.id = x.tenant_id and t.slug = %s and x.name = 'to_done'",
    "insert": "insert into pypgflow.workflow_transitions"
    " (tenant_id, definition_id, from_state, name, to_state)"
    " select tenant_id, definition_id, 'done', 'again', 'start' from pypgflow.workflow_states s"
    " join pypgflow.tenants t on t.id = s.tenant_id where t.slug = %s and s.name = 'done'",
    "definition": "update pypgflow.workflow_definitions d set metadata = '{}'"
    " from pypgflow.tenants t where t.id = d.tenant_id and t.slug = %s",
    # Every row of the version in one transaction: they all still share one xmin.
    "everything": "with tenant as (select id from pypgflow.tenants where slug = %s),"
    " states as (update pypgflow.workflow_states set metadata = '{}'"
    " where tenant_id = (select id from tenant) returning 1),"
    " transitions as (update pypgflow.workflow_transitions set metadata = '{}'"
    " where tenant_id = (select id from tenant) returning 1)"
    " update pypgflow.workflow_definitions set metadata = '{}'"
    " where tenant_id = (select id from tenant)",
}


BY_HAND = "      changed by hand since it was applied:\n"
SHOWN = {
    "update": BY_HAND + "      ~ state done\n",
    "delete": BY_HAND + "      - transition s1 --to_done--> done\n",
    "insert": BY_HAND + "      + transition done --again--> start\n",
    "definition": "before applying)\n",  # only the workflow's metadata: no element to list
    "everything": BY_HAND
    + "      ~ state done\n      ~ state s1\n      ~ state start\n"
    + "      ~ transition s1 --to_done--> done\n      ~ transition start --to_s1--> s1\n",
}


@pytest.mark.parametrize("edit", HAND_EDITS)
def test_rows_edited_by_hand_are_reported_as_drift(
    runtime_database_url: str, tmp_path: Path, edit: str
) -> None:
    url, tenant = runtime_database_url, f"drift-{edit}"
    folder = write(tmp_path / "wf", chain("orders"))
    apply(folder, tenant, url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")  # past the immutability triggers
        assert conn.execute(HAND_EDITS[edit], [tenant]).rowcount == 1

    code, out, _ = plan(folder, tenant, url, "--detailed-exitcode")

    assert code == 1
    assert "  ! orders 1 (drift: its rows in the database no longer match" in out
    assert out.endswith(SHOWN[edit] + "\nPlan refused: 0 conflict, 1 drift.\n")
    assert apply(folder, tenant, url)[0] == 1


def test_reverting_to_an_applied_version_rolls_back_to_it(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    apply(write(tmp_path / "wf", chain("orders")), "revert", url)
    apply(write(tmp_path / "wf", chain("orders", "2", extra="x")), "revert", url)
    folder = write(tmp_path / "wf", chain("orders"))

    code, out, _ = apply(folder, "revert", url)

    assert code == 0
    assert "  < orders 2 -> 1 (rollback: 1 becomes active again)\n" in out
    assert heads(url, "revert") == {"orders": "1"}
    assert versions(url, "revert") == [("orders", "1", 1, False), ("orders", "2", 2, False)]


def test_prune_retires_what_the_repository_no_longer_has_and_nothing_without_it(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url = runtime_database_url
    apply(write(tmp_path / "wf", chain("kept"), chain("gone")), "prune", url)
    folder = write(tmp_path / "wf", chain("kept"))
    assert apply(folder, "prune", url) == (
        0,
        "Tenant prune:\n\n"
        "No changes. 1 workflow not in the repository: gone; `--prune` retires them.\n",
        "",
    )

    code, out, _ = apply(folder, "prune", url, "--prune")

    assert code == 0
    assert "  - gone 1 (retire: new starts refused, running instances finish)\n" in out
    assert versions(url, "prune") == [("gone", "1", 1, True), ("kept", "1", 1, False)]
    assert apply(folder, "prune", url)[1].endswith(
        "No changes. The database matches the repository.\n"
    )
    assert apply(folder, "prune", url, "--prune")[0] == 0
    assert apply(write(tmp_path / "wf", chain("kept"), chain("gone")), "prune", url)[0] == 0
    assert versions(url, "prune") == [("gone", "1", 1, False), ("kept", "1", 1, False)]


def test_a_saved_plan_applies_exactly_without_the_repository(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, saved = runtime_database_url, tmp_path / "plan.json"
    folder = write(tmp_path / "wf", chain("orders"))
    assert plan(folder, "saved", url, "--out", saved)[::2] == (
        0,
        f"Saved the plan to {saved}: apply it with `apply --plan {saved} --tenant saved`.\n",
    )
    for file in folder.iterdir():
        file.unlink()

    code, _, _ = apply_plan(saved, "saved", url)

    assert code == 0
    assert versions(url, "saved") == [("orders", "1", 1, False)]


def test_a_stale_saved_plan_is_refused_and_changes_nothing(
    runtime_database_url: str, tmp_path: Path
) -> None:
    url, saved = runtime_database_url, tmp_path / "plan.json"
    plan(write(tmp_path / "a", chain("orders")), "stale", url, "--out", saved)  # tenant missing
    apply(write(tmp_path / "b", chain("other")), "stale", url)  # creates the tenant meanwhile

    code, _, err = apply_plan(saved, "stale", url)

    assert code == 1
    assert err == (
        "pypgflow-ops: error: the database changed since the plan was made (tenant 'stale'); "
        "nothing was applied: make the plan again\n"
    )
    assert versions(url, "stale") == [("other", "1", 1, False)]


def test_a_saved_plan_for_another_tenant_is_a_usage_error(
    runtime_database_url: str, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    plan(write(tmp_path / "wf", chain("orders")), "one", runtime_database_url, "--out", saved)

    code, _, err = apply_plan(saved, "two", runtime_database_url)

    assert (code, err) == (
        2,
        f"pypgflow-ops: error: {saved} is a plan for tenant 'one', not 'two'\n",
    )
    code, _, err = run("apply", tmp_path, "--plan", saved, "--tenant", "one", "--prune")
    assert (code, err) == (
        2,
        "pypgflow-ops: error: a saved plan is applied as it was made: no paths, no --prune\n",
    )


def test_a_lint_error_stops_before_the_database(runtime_database_url: str, tmp_path: Path) -> None:
    broken = chain("orders")
    broken["transitions"] = []
    folder = write(tmp_path / "wf", broken)

    code, _, err = apply(folder, "linted", runtime_database_url)

    assert code == 1
    assert re.search(
        r"\npypgflow-ops: error: lint found \d+ errors?: fix them, then plan again\n$", err
    )
    assert versions(runtime_database_url, "linted") == []


def test_with_detailed_exitcode_a_usage_error_exits_1_not_2_which_means_changes(
    tmp_path: Path,
) -> None:
    code, _, err = plan(
        tmp_path / "missing", "acme", "postgresql://127.0.0.1:1/x", "--detailed-exitcode"
    )

    assert (code, err.count("\n")) == (1, 1)
    assert plan(tmp_path / "missing", "acme", "postgresql://127.0.0.1:1/x")[0] == 2


@pytest.mark.parametrize("slug", ["", " ", "acme ", "Acme", "-acme", "a/b", "a" * 64, "tenant ü"])
def test_a_tenant_slug_out_of_pattern_is_one_line_and_a_usage_error(
    tmp_path: Path, slug: str
) -> None:
    refusal = (
        f"pypgflow-ops: error: --tenant {slug!r} is not a tenant slug: use 1 to 63 of a-z, 0-9,"
        " '_' and '-', starting with a letter or a digit\n"
    )
    for command in (plan, apply):
        assert command(tmp_path, slug, "postgresql://127.0.0.1:1/x") == (2, "", refusal)


def test_an_unreachable_database_or_an_unknown_role_is_one_line_and_exit_1(tmp_path: Path) -> None:
    folder = write(tmp_path / "wf", chain("orders"))
    for url in (
        "postgresql://postgres@127.0.0.1:1/postgres",
        "postgresql://no_such_role:secret@127.0.0.1:5432/postgres",
    ):
        for command in (plan, apply):
            code, out, err = command(folder, "acme", url)
            assert (code, out, err.count("\n")) == (1, "", 1)
            assert err.startswith("pypgflow-ops: error: cannot connect to PostgreSQL")
            assert "secret" not in err
