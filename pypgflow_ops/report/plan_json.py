"""A plan as JSON, the contract scripts read: {"tenant", "runtime", "changes", "not_in_repository",
"summary"}; when lint refuses the files, {"format", "tenant", "error", "lint": {"files",
"problems"}} instead."""

from __future__ import annotations

import json

from pypgflow_ops.plan import PLAN_FORMAT, Plan
from pypgflow_ops.problems import LintResult
from pypgflow_ops.report import json_report


def render(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_lint_failure(tenant: str, result: LintResult) -> str:
    errors = f"{result.errors} error{'' if result.errors == 1 else 's'}"
    document = {
        "format": PLAN_FORMAT,
        "tenant": tenant,
        "error": f"not planned: lint found {errors}",
        "lint": json_report.document(result),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
