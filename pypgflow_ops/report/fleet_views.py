"""A fleet plan (several tenants) in the plan's three formats: each tenant's own view, then the
fleet's summary. Keyed by the same names as `report.plan_views.PLAN_VIEWS`.

text: every tenant's plan, then one "Fleet:" line. json: {"format", "tenants": [each tenant's plan
document, or {"tenant", "error"}], "summary"}. markdown: one pull-request comment, kept under
GitHub's 65,536 characters by leaving out the details of the tenants that do not fit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pypgflow_ops.deploy.fleet import FleetPlan, TenantPlan
from pypgflow_ops.terminal import printable

FLEET_JSON_FORMAT = 1
COMMENT_LIMIT = 65_536


def _names(tenants: Sequence[str], show: Callable[[str], str]) -> str:
    return f" ({', '.join(show(t) for t in tenants)})" if tenants else ""


def summary_line(fleet: FleetPlan, show: Callable[[str], str] = printable) -> str:
    """ "Fleet: 3 tenants: 1 with changes (acme), 1 without changes, 1 refused (initech)."."""
    count = len(fleet.tenants)
    parts = [
        f"{len(fleet.with_changes)} with changes{_names(fleet.with_changes, show)}",
        f"{len(fleet.without_changes)} without changes",
        f"{len(fleet.failed)} refused{_names(fleet.failed, show)}",
    ]
    return f"Fleet: {count} tenant{'' if count == 1 else 's'}: {', '.join(parts)}."


def summary(fleet: FleetPlan) -> dict[str, Any]:
    return {
        "tenants": len(fleet.tenants),
        "with_changes": list(fleet.with_changes),
        "without_changes": list(fleet.without_changes),
        "errors": list(fleet.failed),
        "has_changes": bool(fleet.with_changes),
    }


def _text_error(tenant: TenantPlan) -> str:
    return f"Tenant {printable(tenant.tenant)}:\n  ! {printable(tenant.error or '')}\n"


def text(fleet: FleetPlan, *, color: bool = False) -> str:
    from pypgflow_ops.report import plan_text

    parts = [
        plan_text.render(t.plan, color=color) if t.plan is not None else _text_error(t)
        for t in fleet.tenants
    ]
    return "\n".join([*parts, summary_line(fleet)]) + "\n"


def json_view(fleet: FleetPlan) -> str:
    from pypgflow_ops.report import plan_json

    document = {
        "format": FLEET_JSON_FORMAT,
        "tenants": [
            plan_json.document(t.plan)
            if t.plan is not None
            else {"tenant": t.tenant, "error": t.error}
            for t in fleet.tenants
        ],
        "summary": summary(fleet),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def escaped(text: str) -> str:
    from pypgflow_ops.report.plan_markdown import _escaped

    return _escaped(text)


def _markdown_section(tenant: TenantPlan) -> str:
    from pypgflow_ops.report import plan_markdown

    if tenant.plan is None or tenant.live is None:
        name = escaped(tenant.tenant)
        return f"### Tenant {name}\n\n**Refused:** {escaped(tenant.error or '')}\n"
    diagrams = plan_markdown.change_diagrams(tenant.plan, tenant.desired, tenant.live)
    return plan_markdown.render(tenant.plan, diagrams=diagrams)


def markdown(fleet: FleetPlan, *, limit: int = COMMENT_LIMIT) -> str:
    head = [
        f"## pypgflow-ops plan for {len(fleet.tenants)} tenants",
        "",
        f"**{summary_line(fleet, escaped)}**",
        "",
    ]
    sections = [_markdown_section(t) for t in fleet.tenants if t.failed or t.has_changes]
    budget = limit - 2_000  # room for the head and the note on what was left out
    budget -= sum(map(len, head))
    shown: list[str] = []
    left_out: list[str] = []
    for tenant, section in zip(
        (t for t in fleet.tenants if t.failed or t.has_changes), sections, strict=True
    ):
        if len(section) + 1 <= budget and not left_out:
            shown.append(section)
            budget -= len(section) + 1
        else:
            left_out.append(escaped(tenant.tenant))
    lines = [*head, *shown]
    if left_out:
        lines.append(
            f"_Details of {len(left_out)} tenants left out to fit one comment: "
            f"{', '.join(left_out[:20])}{', ...' if len(left_out) > 20 else ''}; "
            "run `pypgflow-ops plan --tenant SLUG` for each._"
        )
    return "\n".join(lines).rstrip("\n") + "\n"


FLEET_VIEWS: dict[str, Callable[[FleetPlan, bool], str]] = {
    "text": lambda fleet, color: text(fleet, color=color),
    "json": lambda fleet, color: json_view(fleet),
    "markdown": lambda fleet, color: markdown(fleet),
}
