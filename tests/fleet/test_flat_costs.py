"""A no-op plan proves old versions untouched without reading their rows, nor being sent them:
their recorded hash and counts, and the stamping triggers of runtime version 3, which replica
mode does not stop; a row deleted, inserted or edited by hand is still seen, read, and reported
as drift."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pypgflow_ops.db import runtime
from pypgflow_ops.deploy.introspect import read_live_state
from pypgflow_ops.lint import lint_paths
from tests.deploy.cli import apply, apply_plan, plan
from tests.deploy.workflow_files import chain, write
from tests.runtime.postgrest import add_order_workflow, add_tenant


def test_old_versions_are_proven_untouched_until_edited_by_hand(
    make_database, tmp_path: Path
) -> None:
    """The database proves versions 1 and 2 untouched and does not send them; the active one is
    proven to hold the repository's file, so nothing is read in full."""
    url = make_database(runtime=True)
    for version in ("1", "2", "3"):
        folder = write(tmp_path / "wf", chain("orders", version))
        assert apply(folder, "acme", url)[0] == 0
    desired = lint_paths([folder]).workflows
    with psycopg.connect(url) as conn:
        live = read_live_state(conn, "acme", desired)
        full = read_live_state(conn, "acme")
    (active,) = live.definitions
    assert active.workflow is desired[0]
    assert _stamping_triggers_of_the_upgrade(url) == 4
    assert sorted(d.workflow.version for d in full.definitions) == ["1", "2", "3"]
    assert [d.actual_hash for d in full.definitions if d.workflow.version == "3"] == [
        active.actual_hash
    ]

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")  # past the immutability triggers
        conn.execute(
            'update pypgflow.workflow_states s set metadata = \'{"by": "hand"}\''
            " from pypgflow.workflow_definitions d"
            " where d.id = s.definition_id and d.version = '1' and s.name = 'start'"
        )
    with psycopg.connect(url) as conn:
        live = read_live_state(conn, "acme", desired)
    assert {d.workflow.version: d.drifted for d in live.definitions} == {"1": True, "3": False}
    code, out, _ = plan(folder, "acme", url)
    assert code == 1
    assert "! orders 1 (drift: its rows in the database no longer match" in out


def _sent(url: str, folder: Path) -> list[str]:
    """The versions a plan for the repository in `folder` is sent."""
    desired = lint_paths([folder]).workflows
    with psycopg.connect(url) as conn:
        live = read_live_state(conn, "acme", desired)
    return sorted(d.workflow.version for d in live.definitions)


def test_a_plan_is_sent_the_versions_it_decides_with(make_database, tmp_path: Path) -> None:
    """The head, the newest version when it is newer (after a rollback: the next revision
    follows it), and the repository's own; not the versions in between."""
    url = make_database(runtime=True)
    for version in ("1", "2", "3", "4", "2"):  # the last apply rolls back to 2
        assert apply(write(tmp_path / "wf", chain("orders", version)), "acme", url)[0] == 0

    assert _sent(url, write(tmp_path / "wf", chain("orders", "2"))) == ["2", "4"]
    assert _sent(url, write(tmp_path / "wf", chain("orders", "1"))) == ["1", "2", "4"]
    folder = write(tmp_path / "wf", chain("orders", "5"))
    assert _sent(url, folder) == ["2", "4"]
    code, out, _ = plan(folder, "acme", url)
    assert code == 0
    assert "~ orders 2 -> 5 (new version, revision 5)" in out


def test_without_a_head_the_newest_version_is_active_and_the_only_one_sent(
    make_database, tmp_path: Path
) -> None:
    url = make_database(runtime=True)
    for version in ("1", "2", "3"):
        assert apply(write(tmp_path / "wf", chain("orders", version)), "acme", url)[0] == 0
    _by_hand(url, "delete from pypgflow.workflow_heads", replica=False)
    folder = write(tmp_path / "wf", chain("orders", "4"))

    assert _sent(url, folder) == ["3"]
    code, out, _ = plan(folder, "acme", url, "--out", tmp_path / "plan.json")
    assert code == 0
    assert "~ orders 3 -> 4 (new version, revision 4)" in out
    assert apply_plan(tmp_path / "plan.json", "acme", url)[0] == 0


def test_a_saved_plan_stays_applicable_when_an_old_version_is_rewritten_unchanged(
    make_database, tmp_path: Path
) -> None:
    """Rewriting an old version's row with the same values stamps it, so the database sends it
    to be read; its content is the recorded one, so the plan and its fingerprint do not change.
    A change to its content does."""
    url = make_database(runtime=True)
    for version in ("1", "2"):
        assert apply(write(tmp_path / "wf", chain("orders", version)), "acme", url)[0] == 0
    folder = write(tmp_path / "wf", chain("orders", "3"))
    assert plan(folder, "acme", url, "--out", tmp_path / "plan.json")[0] == 0
    rewritten = _by_hand(
        url,
        "update pypgflow.workflow_states s set final = s.final from pypgflow.workflow_definitions d"
        " where d.id = s.definition_id and d.version = '1' and s.name = 'start'",
    )
    assert rewritten == 1

    assert _sent(url, folder) == ["2"]
    code, out, err = apply_plan(tmp_path / "plan.json", "acme", url)
    assert code == 0, out + err

    assert plan(folder, "acme", url, "--out", tmp_path / "again.json")[0] == 0
    _by_hand(
        url,
        "update pypgflow.workflow_states s set final = true from pypgflow.workflow_definitions d"
        " where d.id = s.definition_id and d.version = '1' and s.name = 'start'",
    )
    assert _sent(url, folder) == ["1", "3"]
    code, out, err = apply_plan(tmp_path / "again.json", "acme", url)
    assert code == 1
    assert "the database changed since the plan was made" in out + err


def _two_versions(make_database, tmp_path: Path) -> tuple[str, Path]:
    url = make_database(runtime=True)
    for version in ("1", "2"):
        folder = write(tmp_path / "wf", chain("orders", version))
        assert apply(folder, "acme", url)[0] == 0
    return url, folder


def _by_hand(url: str, statement: str, *, replica: bool = True) -> int:
    """Run `statement` as a superuser would, in replica mode past the immutability triggers."""
    with psycopg.connect(url, autocommit=True) as conn:
        if replica:
            conn.execute("set session_replication_role = replica")
        return conn.execute(statement).rowcount


def _stamping_triggers_of_the_upgrade(url: str) -> int:
    """How many of the four stamping triggers the plan trusts: enabled always, and still the
    catalog rows that the upgrade to runtime version 3 wrote."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select count(*) from pg_trigger t"
            " where t.tgname in ('stamp_changed_definition', 'stamp_grown_definition')"
            " and t.tgenabled = 'A'"
            " and t.xmin = (select xmin from pypgflow.runtime_versions where version = 3)"
        ).fetchone()
    assert row is not None
    count: int = row[0]
    return count


def _drift_in_version_1(folder: Path, url: str) -> None:
    code, out, _ = plan(folder, "acme", url)
    assert code == 1
    assert "! orders 1 (drift: its rows in the database no longer match" in out
    assert "! orders 2" not in out


def test_a_row_deleted_by_hand_from_an_old_version_is_drift(make_database, tmp_path: Path) -> None:
    url, folder = _two_versions(make_database, tmp_path)
    deleted = _by_hand(
        url,
        "delete from pypgflow.workflow_transitions t using pypgflow.workflow_definitions d"
        " where d.id = t.definition_id and d.version = '1' and t.name = 'to_done'",
    )
    assert deleted == 1
    _drift_in_version_1(folder, url)


def test_a_row_inserted_by_hand_into_an_old_version_is_drift(make_database, tmp_path: Path) -> None:
    url, folder = _two_versions(make_database, tmp_path)
    # No guard refuses an insert: not even replica mode is needed.
    inserted = _by_hand(
        url,
        "insert into pypgflow.workflow_transitions (tenant_id, definition_id, from_state,"
        " to_state, name) select tenant_id, id, 'start', 'done', 'skip'"
        " from pypgflow.workflow_definitions where version = '1'",
        replica=False,
    )
    assert inserted == 1
    _drift_in_version_1(folder, url)


def test_a_row_edited_by_hand_in_an_old_version_is_drift(make_database, tmp_path: Path) -> None:
    url, folder = _two_versions(make_database, tmp_path)
    edited = _by_hand(
        url,
        "update pypgflow.workflow_transitions t set to_state = 'start'"
        " from pypgflow.workflow_definitions d"
        " where d.id = t.definition_id and d.version = '1' and t.name = 'to_done'",
    )
    assert edited == 1
    _drift_in_version_1(folder, url)


def test_an_edit_with_the_stamping_triggers_disabled_is_drift_while_they_are(
    make_database, tmp_path: Path
) -> None:
    """Disabled, the triggers stamp nothing: the plan sees so and reads every row's xmin."""
    url, folder = _two_versions(make_database, tmp_path)
    _by_hand(url, "alter table pypgflow.workflow_states disable trigger all", replica=False)
    edited = _by_hand(
        url,
        'update pypgflow.workflow_states s set metadata = \'{"by": "hand"}\''
        " from pypgflow.workflow_definitions d"
        " where d.id = s.definition_id and d.version = '1' and s.name = 'start'",
        replica=False,
    )
    assert edited == 1
    _drift_in_version_1(folder, url)


def test_versions_applied_before_runtime_3_get_their_counts_and_stay_proven(
    make_database,
) -> None:
    """The upgrade counts the rows of older versions; its own write of their definition rows
    counts as an apply's, so they are still proven without being read; an edit is still seen."""
    url = make_database()
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn, target=2)
        tenant = add_tenant(conn, "acme")
    for revision, version in enumerate(("1.0", "2.0"), start=1):
        with psycopg.connect(url) as conn:  # one transaction, as an apply of version 2 wrote
            add_order_workflow(conn, tenant, version, revision=revision, head=True)
            conn.execute(
                "insert into pypgflow.deployments (tenant_id, actor, plan_hash)"
                " values (%s, 'ci', 'h')",
                [tenant],
            )
    with psycopg.connect(url) as conn:
        runtime.upgrade(conn)
    with psycopg.connect(url) as conn:
        counts = conn.execute(
            "select version, state_count, transition_count from pypgflow.workflow_definitions"
            " order by version"
        ).fetchall()
        live = read_live_state(conn, "acme", ())
    assert counts == [("1.0", 5, 5), ("2.0", 5, 5)]
    assert _stamping_triggers_of_the_upgrade(url) == 4
    assert [d.workflow.version for d in live.definitions] == ["2.0"]  # 1.0: proven, not sent
    _by_hand(
        url,
        "update pypgflow.workflow_states s set final = true from pypgflow.workflow_definitions d"
        " where d.id = s.definition_id and d.version = '1.0' and s.name = 'shipped'",
    )
    with psycopg.connect(url) as conn:
        live = read_live_state(conn, "acme", ())
    assert sorted(d.workflow.version for d in live.definitions) == ["1.0", "2.0"]  # 1.0: sent


def test_a_row_deleted_while_the_triggers_were_disabled_is_drift(
    make_database, tmp_path: Path
) -> None:
    """Enabled again, the triggers' catalog rows are no longer the upgrade's: the plan reads
    every row's xmin, for good."""
    url, folder = _two_versions(make_database, tmp_path)
    _by_hand(url, "alter table pypgflow.workflow_transitions disable trigger user", replica=False)
    deleted = _by_hand(
        url,
        "delete from pypgflow.workflow_transitions t using pypgflow.workflow_definitions d"
        " where d.id = t.definition_id and d.version = '1' and t.name = 'to_done'",
        replica=False,
    )
    assert deleted == 1
    assert _stamping_triggers_of_the_upgrade(url) == 2
    _by_hand(
        url,
        "alter table pypgflow.workflow_transitions enable trigger immutable_rows,"
        " enable trigger immutable_table, enable always trigger stamp_changed_definition,"
        " enable always trigger stamp_grown_definition",
        replica=False,
    )
    with psycopg.connect(url) as conn:  # every trigger as the runtime left it
        enabled = conn.execute(
            "select tgname, tgenabled from pg_trigger"
            " where tgrelid = 'pypgflow.workflow_transitions'::regclass and not tgisinternal"
            " order by tgname"
        ).fetchall()
    assert enabled == [
        ("immutable_rows", "O"),
        ("immutable_table", "O"),
        ("stamp_changed_definition", "A"),
        ("stamp_grown_definition", "A"),
    ]
    assert _stamping_triggers_of_the_upgrade(url) == 2  # enabled again, by another transaction
    _drift_in_version_1(folder, url)
