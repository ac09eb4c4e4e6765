"""GitLab Code Quality JSON (a subset of the Code Climate issue format): one issue per problem with
`description`, `check_name`, `fingerprint`, `severity` and `location.path` / `location.lines.begin`.

The fingerprint leaves the line out, so an issue keeps it when lines above it move; the n-th
repeat of the same message in a file gets its own, as GitLab shows one issue per fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from pypgflow_ops.problems import LintResult, Problem, Severity

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def _fingerprint(problem: Problem, repeat: int) -> str:
    key = json.dumps([problem.file, problem.rule, problem.message, repeat])
    return hashlib.sha256(key.encode()).hexdigest()


def _issue(problem: Problem, repeat: int) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": problem.message,
        "check_name": problem.rule,
        "fingerprint": _fingerprint(problem, repeat),
        "severity": SEVERITY[problem.severity],
        "location": {"path": problem.file, "lines": {"begin": problem.line}},
    }


def render(result: LintResult, *, color: bool = False) -> str:
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for problem in sorted(result.problems):
        key = (problem.file, problem.rule, problem.message)
        issues.append(_issue(problem, seen[key]))
        seen[key] += 1
    return json.dumps(issues, indent=2) + "\n"
