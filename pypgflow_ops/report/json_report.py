"""The JSON format, a contract: `{"files": n, "problems": [{file, line, column, rule, severity,
message}]}` with 1-based positions, keys in this order, ASCII only (any path survives)."""

from __future__ import annotations

import json
from typing import Any

from pypgflow_ops.problems import LintResult


def document(result: LintResult) -> dict[str, Any]:
    return {
        "files": result.files,
        "problems": [
            {
                "file": problem.file,
                "line": problem.line,
                "column": problem.column,
                "rule": problem.rule,
                "severity": problem.severity.value,
                "message": problem.message,
            }
            for problem in sorted(result.problems)
        ],
    }


def render(result: LintResult, *, color: bool = False) -> str:
    return json.dumps(document(result), indent=2) + "\n"
