"""Every rule lint reports, gathered from the modules that define and report them (as yamllint's
rules/__init__.py gathers its rules): each module holds its rules' `RuleInfo` next to their checks.
Adding a rule is a `RuleInfo` and its check in one of these modules, plus its cases under
tests/rules/cases/; nothing else names a rule.
"""

from __future__ import annotations

from pypgflow_ops import implicit, schema
from pypgflow_ops.loading import refusal
from pypgflow_ops.problems import RuleInfo
from pypgflow_ops.rules import (
    conditions,
    declarations,
    final_states,
    initial_states,
    migration,
    presentation,
    reachability,
    versions,
    workflows,
)
from pypgflow_ops.rules.subject import GraphCheck
from pypgflow_ops.scenarios import checks as scenario_checks

GRAPH_CHECKS: dict[RuleInfo, GraphCheck] = {
    rule: check
    for module in (
        initial_states,
        final_states,
        declarations,
        reachability,
        presentation,
        conditions,
        migration,
    )
    for rule, check in module.CHECKS.items()
}

RULES: tuple[RuleInfo, ...] = (
    *refusal.RULES,
    *implicit.RULES,
    *schema.RULES,
    *GRAPH_CHECKS,
    *workflows.RULES,
    *versions.RULES,
    migration.MIGRATE_UNKNOWN_SOURCE,
    *scenario_checks.RULES,
)

RULES_BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in RULES}
