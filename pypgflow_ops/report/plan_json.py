"""A plan as JSON, the contract scripts read (docs/plan-apply.md): {"format", "tenant",
"create_tenant", "runtime", "origin", "changes", "not_in_repository", "summary"}; when lint
refuses the files, {"format", "tenant", "error", "lint": {"files", "problems"}} instead.

One of three shapes of a plan, each versioned on its own: this view, the saved plan file
(`deploy.saved_plan`) and the hash recorded with a deployment (`deploy.record`).
"""

from __future__ import annotations

import json
from typing import Any

from pypgflow_ops.plan import Change, ElementChanges, InstanceGroup, Plan
from pypgflow_ops.problems import LintResult
from pypgflow_ops.report import json_report

PLAN_JSON_FORMAT = 2  # 2: per change, "instances" by version and state replace "impact"


def _elements(changes: ElementChanges) -> dict[str, list[str]]:
    return {
        "added": list(changes.added),
        "removed": list(changes.removed),
        "changed": list(changes.changed),
    }


def _change(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {
        "workflow": change.workflow,
        "version": change.version,
        "action": str(change.action),
        "active_version": change.active_version,
        "revision": change.revision,
        "content_hash": change.content_hash,
        "source": change.source,
        "message": change.message,
    }
    if change.states is not None and change.transitions is not None:
        data["states"] = _elements(change.states)
        data["transitions"] = _elements(change.transitions)
    if change.impact is not None:
        data["instances"] = [_group(g) for g in change.impact.groups]
    return data


def _group(group: InstanceGroup) -> dict[str, Any]:
    """{"version", "state", "count", "fate"}, and for a version the `migrate:` section lists,
    "to_state" (where the map sends it) and "error" when that state is missing."""
    data: dict[str, Any] = {
        "version": group.version,
        "state": group.state,
        "count": group.count,
        "fate": str(group.fate),
    }
    if group.listed:
        data["to_state"] = group.to_state
    if group.refused:
        data["error"] = "stranded by the migrate section: no such state in the new version"
    return data


def document(plan: Plan) -> dict[str, Any]:
    return {
        "format": PLAN_JSON_FORMAT,
        "tenant": plan.tenant,
        "create_tenant": plan.create_tenant,
        "runtime": {
            "installed": plan.runtime_installed,
            "target": plan.runtime_target,
            "action": str(plan.runtime_action),
        },
        "origin": plan.origin.to_dict() if plan.origin else None,
        "changes": [_change(c) for c in plan.changes],
        "not_in_repository": list(plan.not_in_repository),
        "summary": plan.summary(),
    }


def render(plan: Plan) -> str:
    return json.dumps(document(plan), indent=2, ensure_ascii=False) + "\n"


def render_lint_failure(tenant: str, result: LintResult) -> str:
    errors = f"{result.errors} error{'' if result.errors == 1 else 's'}"
    failure = {
        "format": PLAN_JSON_FORMAT,
        "tenant": tenant,
        "error": f"not planned: lint found {errors}",
        "lint": json_report.document(result),
    }
    return json.dumps(failure, indent=2, ensure_ascii=False) + "\n"
