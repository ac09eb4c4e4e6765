"""The fleet's views without a database: the markdown comment's size, the tenants table."""

from __future__ import annotations

from pathlib import Path

import pytest

from pypgflow_ops.config import load_config
from pypgflow_ops.deploy.fleet import FleetPlan, TenantPlan
from pypgflow_ops.errors import UsageError
from pypgflow_ops.plan import LiveState, make_plan
from pypgflow_ops.report.fleet_views import COMMENT_LIMIT, markdown, summary_line
from tests.plan.factories import workflow


def _fleet(tenants: int, workflows: int) -> FleetPlan:
    desired = tuple(workflow(f"flow_{i:03}") for i in range(workflows))
    live = LiveState(runtime_version=1, tenant_exists=True)
    return FleetPlan(
        tuple(
            TenantPlan(slug, make_plan(slug, desired, live, runtime_target=1), None, desired, live)
            for slug in (f"tenant-{n:03}" for n in range(tenants))
        )
    )


def test_a_large_fleet_stays_one_comment_and_says_what_it_left_out() -> None:
    comment = markdown(_fleet(200, 30))
    assert len(comment) < COMMENT_LIMIT
    assert comment.startswith(
        "## pypgflow-ops plan for 200 tenants\n\n**Fleet: 200 tenants: 200 with changes ("
    )
    assert "run `pypgflow-ops plan --tenant SLUG` for each._\n" in comment
    assert "### pypgflow-ops plan for tenant ` tenant-000 `" in comment


def test_a_small_fleet_shows_every_tenant() -> None:
    comment = markdown(_fleet(2, 1))
    assert comment.count("### pypgflow-ops plan for tenant") == 2
    assert "left out" not in comment


def test_a_refused_tenant_is_named_in_the_summary_line() -> None:
    fleet = FleetPlan((TenantPlan("acme", error="boom"), *_fleet(1, 1).tenants))
    assert summary_line(fleet) == (
        "Fleet: 2 tenants: 1 with changes (tenant-000), 0 without changes, 1 refused (acme)."
    )


def test_the_tenants_table_in_yaml(tmp_path: Path) -> None:
    path = tmp_path / ".pypgflow-ops.yaml"
    path.write_text("tenants:\n  acme: [workflows/common, workflows/acme]\n", encoding="utf-8")
    assert load_config(path).tenants == {"acme": ("workflows/common", "workflows/acme")}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('tenants = ["acme"]', "`tenants` must map tenant slugs to lists of paths"),
        ('[tool.pypgflow-ops.tenants]\nAcme = ["w"]', "'Acme' is not a tenant slug"),
        ("[tool.pypgflow-ops.tenants]\nacme = []", "tenants.acme must be a non-empty list"),
    ],
)
def test_a_bad_tenants_table_is_refused(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    if not table.startswith("["):
        table = f"[tool.pypgflow-ops]\n{table}"
    path.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_config(path)
