"""SARIF 2.1.0 (OASIS), as GitHub code scanning accepts it: every rule, then the results.

Rules carry fullDescription and help text as well as the schema's minimum: code scanning shows them
beside each alert.

Paths become URIs relative to `%SRCROOT%` (the checkout, for code scanning); absolute paths become
`file:` URIs. Columns count code points, as the YAML loader does.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from pypgflow_ops import __version__, rules
from pypgflow_ops.problems import LintResult, Problem, RuleInfo

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_URI = "https://github.com/pypgflow/pypgflow-ops"


def _rule(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "helpUri": rule.help_uri,
        "help": {
            "text": f"{rule.summary} Examples and how to fix it: {rule.help_uri}",
            "markdown": f"{rule.summary}\n\n[Examples and how to fix it]({rule.help_uri})",
        },
        "defaultConfiguration": {"level": rule.severity.value},
    }


def _artifact_location(file: str) -> dict[str, str]:
    path = PurePosixPath(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    # os.fsencode: a file name that is not UTF-8 reaches us with surrogates; quote its raw bytes.
    return {"uri": quote(os.fsencode(path.as_posix())), "uriBaseId": "%SRCROOT%"}


def _result(problem: Problem, rule_index: int, artifact: dict[str, str]) -> dict[str, Any]:
    return {
        "ruleId": problem.rule,
        "ruleIndex": rule_index,
        "level": problem.severity.value,
        "message": {"text": problem.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {"startLine": problem.line, "startColumn": problem.column},
                }
            }
        ],
    }


def render(result: LintResult, *, color: bool = False) -> str:
    rule_index = {rule.id: index for index, rule in enumerate(rules.RULES)}
    # One location object per file, shared by its results: paths repeat, and URI-quoting is slow.
    artifacts = {problem.file: _artifact_location(problem.file) for problem in result.problems}
    run = {
        "tool": {
            "driver": {
                "name": "pypgflow-ops",
                "version": __version__,
                "informationUri": TOOL_URI,
                "rules": [_rule(rule) for rule in rules.RULES],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(problem, rule_index[problem.rule], artifacts[problem.file])
            for problem in sorted(result.problems)
        ],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
