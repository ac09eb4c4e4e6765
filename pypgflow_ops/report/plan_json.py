"""A plan as JSON, the contract scripts read: {"tenant", "runtime", "changes", "not_in_repository",
"summary"}."""

from __future__ import annotations

import json

from pypgflow_ops.plan import Plan


def render(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"
