"""Every rule id the linter can report, with its default severity and a one-line summary.

The ids are a contract (configuration, SARIF, CI annotations): never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypgflow_ops.problems import Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    severity: Severity
    summary: str

    @property
    def help_uri(self) -> str:
        return f"https://github.com/pypgflow/pypgflow-ops/blob/main/docs/rules.md#{self.id}"


E, W = Severity.ERROR, Severity.WARNING

RULES: tuple[RuleInfo, ...] = (
    # Reading the file
    RuleInfo(
        "yaml-syntax",
        E,
        "The file is not well-formed YAML, or uses YAML that workflow "
        "files may not (tabs, non-UTF-8 bytes, control characters, several documents, ...).",
    ),
    RuleInfo(
        "duplicate-key", E, "A mapping has the same key twice; YAML would silently keep the last."
    ),
    RuleInfo(
        "yaml-anchor", E, "Anchors, aliases and merge keys are not allowed in workflow files."
    ),
    RuleInfo(
        "implicit-type",
        E,
        "Text was expected, but YAML reads the unquoted value as a "
        "boolean, null or number (the state `no` becomes false): quote it.",
    ),
    RuleInfo(
        "ambiguous-value",
        W,
        "An unquoted value that YAML 1.1 converts in a surprising "
        "way (yes/no/on/off/y/n, 0755, 1:30): write it explicitly.",
    ),
    RuleInfo(
        "schema",
        E,
        "The document does not match its JSON Schema: schemas/workflow.schema.json, or "
        "schemas/scenarios.schema.json for a scenario file.",
    ),
    # The state machine
    RuleInfo("no-initial-state", E, "No state is marked `initial: true`."),
    RuleInfo("multiple-initial-states", E, "More than one state is marked `initial: true`."),
    RuleInfo("no-final-state", E, "No state is marked `final: true`: no instance could finish."),
    RuleInfo("duplicate-state", E, "Two states have the same name."),
    RuleInfo("unknown-state", E, "A transition names a state that is not declared."),
    RuleInfo(
        "duplicate-transition",
        E,
        "Two transitions leave the same state under the same name: the machine would be ambiguous.",
    ),
    RuleInfo("unreachable-state", E, "The state cannot be reached from the initial state."),
    RuleInfo(
        "no-path-to-final",
        E,
        "No final state can be reached from the state (a dead end "
        "or a closed cycle): instances there never finish.",
    ),
    RuleInfo(
        "final-state-outgoing",
        E,
        "A final state has outgoing transitions; a finished instance can never move.",
    ),
    RuleInfo(
        "parallel-transitions",
        W,
        "Two transitions lead from the same state to the same "
        "state; execute_transition picks by target state, so they cannot be told apart.",
    ),
    RuleInfo(
        "initial-state-final",
        W,
        "The initial state is also final: instances are done the moment they start.",
    ),
    RuleInfo(
        "invalid-color",
        W,
        "metadata.color is not a colour Graphviz and Mermaid "
        "understand (#rgb, #rrggbb or a colour name).",
    ),
    # Scenario files (*.scenarios.yaml), checked against the workflows: pypgflow_ops/scenarios/
    RuleInfo(
        "scenario-unknown-workflow",
        E,
        "A scenario file names a workflow the repository does not have.",
    ),
    RuleInfo("scenario-unknown-state", E, "A scenario names a state its workflow does not have."),
    RuleInfo(
        "scenario-impossible-step",
        E,
        "A scenario step cannot turn out as written from the state the previous steps lead "
        "to: a move the workflow has no transition for, a `not-allowed` refusal of a declared "
        "transition, or a `finished` refusal outside a final state.",
    ),
    # Across files
    RuleInfo(
        "duplicate-workflow",
        E,
        "The same workflow name and version is defined twice with different content.",
    ),
)

RULES_BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in RULES}
