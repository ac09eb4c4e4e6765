"""unenforced-condition, unsatisfiable-condition.

The runtime enforces the conditions the schema describes (`$defs/conditions`: field_required,
field_equals, field_in, field_min, field_max) and refuses a transition with any other key, fail
closed: a condition that looked enforced but was not would be a security bug. The original pypgflow
stored any key there and checked none, so its files bring keys such as `amount_threshold: 1000`;
each is reported with the enforced condition that fits its value, if one does, and otherwise the
way out: information for the application belongs under `context` (`pypgflow-ops lint --fix`).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pypgflow_ops import resources
from pypgflow_ops.loading import shortened
from pypgflow_ops.model import Transition
from pypgflow_ops.problems import RuleInfo, Severity, Stage
from pypgflow_ops.rules.subject import Finding, GraphCheck, Subject

UNENFORCED_CONDITION = RuleInfo(
    "unenforced-condition",
    Severity.ERROR,
    "A key under `conditions` is not a condition the runtime enforces (field_required, "
    "field_equals, field_in, field_min, field_max): the runtime would refuse the transition "
    "every time. The hint names the condition that fits the value, if one does; "
    "`pypgflow-ops lint --fix` moves such keys under the transition's `context`, except those "
    "that read as a misspelt condition (`field_requird`) or are named like one (`field_regex`).",
    Stage.WORKFLOW,
    tunable=False,
)
UNSATISFIABLE_CONDITION = RuleInfo(
    "unsatisfiable-condition",
    Severity.WARNING,
    "No value of a field meets all of a transition's conditions on it (field_min above "
    "field_max, a field_equals value outside field_in or the bounds): no call can take it.",
    Stage.WORKFLOW,
)


@functools.cache
def enforced() -> tuple[str, ...]:
    """The conditions the runtime enforces: those the schema describes."""
    return tuple(resources.workflow_schema()["$defs"]["conditions"]["properties"])


@functools.cache
def _field_name() -> re.Pattern[str]:
    pattern: str = resources.workflow_schema()["$defs"]["field_name"]["pattern"]
    return re.compile(pattern.removesuffix("$") + r"\Z")


# A number's key often names the field and the kind of bound: `amount_threshold` bounds `amount`.
_BOUND_WORDS = re.compile(
    r"^(?:min|max|minimum|maximum)_|_(?:threshold|limit|min|max|minimum|maximum)\Z"
)


def unenforced_keys(conditions: Mapping[str, Any]) -> list[str]:
    """The keys of a transition's `conditions` that the runtime does not enforce, in file order."""
    return [key for key in conditions if key not in enforced()]


def _meant_as_condition(key: str) -> str | None:
    """Why `key` reads as a guard its author meant the runtime to enforce (a misspelt condition,
    or a name like one), else None. Moved under context it would guard nothing: not fixed."""
    close = difflib.get_close_matches(key, enforced(), n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]}?"
    if key.startswith("field_"):
        return f"the runtime enforces only {', '.join(enforced())}"
    return None


def movable_keys(conditions: Mapping[str, Any]) -> list[str]:
    """The unenforced keys that `lint --fix` moves under context: information, not guards."""
    return [key for key in unenforced_keys(conditions) if _meant_as_condition(key) is None]


def _shown(value: Any) -> str:
    return shortened(json.dumps(value, ensure_ascii=False))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool) or _is_number(value)


def _fitting(key: str, value: Any) -> str | None:
    """The enforced condition that could say what `key: value` seems to mean, written out."""
    field = key if _field_name().match(key) else "FIELD"
    if _is_number(value):
        bounded = _BOUND_WORDS.sub("", field) or field
        return f"to enforce a bound write field_min or field_max: {{{bounded}: {_shown(value)}}}"
    if _is_scalar(value):
        return f"to enforce the value write field_equals: {{{field}: {_shown(value)}}}"
    if (
        isinstance(value, list)
        and value
        and all(_is_scalar(item) for item in value)
        and len({_shown(item) for item in value}) == len(value)
    ):
        return f"to enforce one of the values write field_in: {{{field}: {_shown(value)}}}"
    return None


def _message(transition: Transition, key: str) -> str:
    refused = (
        f"transition {transition.name!r}: the runtime does not enforce {shortened(key)!r} "
        "and would refuse the transition"
    )
    meant = _meant_as_condition(key)
    if meant is not None:
        return f"{refused}; {meant} (lint --fix leaves it: under context it would guard nothing)"
    fitting = _fitting(key, transition.conditions[key])
    if fitting is None:
        return (
            f"{refused}; move it under context, information the runtime keeps unchecked, "
            "with pypgflow-ops lint --fix"
        )
    return f"{refused}; {fitting}, else move it under context with pypgflow-ops lint --fix"


def unenforced_condition(subject: Subject) -> Iterator[Finding]:
    known = frozenset(enforced())
    for index, transition in enumerate(subject.workflow.transitions):
        if transition.conditions.keys() <= known:
            continue  # nearly every transition: decided without a loop in Python
        for key in unenforced_keys(transition.conditions):
            position = subject.locate_key(("transitions", index, "conditions", key))
            yield Finding(position, _message(transition, key))


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON has it: true is not 1, 1 is 1.0."""
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and a == b


def _possible(value: Any, conditions: Mapping[str, Any], field: str) -> bool:
    choices = conditions.get("field_in", {}).get(field)
    if choices is not None and not any(_json_equal(value, choice) for choice in choices):
        return False
    low = conditions.get("field_min", {}).get(field)
    high = conditions.get("field_max", {}).get(field)
    if low is None and high is None:
        return True
    return _is_number(value) and (low is None or value >= low) and (high is None or value <= high)


def _satisfiable(conditions: Mapping[str, Any], field: str) -> bool:
    equals = conditions.get("field_equals", {})
    if field in equals:
        return _possible(equals[field], conditions, field)
    choices = conditions.get("field_in", {}).get(field)
    if choices is not None:
        return any(_possible(choice, conditions, field) for choice in choices)
    low = conditions.get("field_min", {}).get(field)
    high = conditions.get("field_max", {}).get(field)
    return low is None or high is None or low <= high


_VALUED = ("field_equals", "field_in", "field_min", "field_max")


def unsatisfiable_condition(subject: Subject) -> Iterator[Finding]:
    for index, transition in enumerate(subject.workflow.transitions):
        conditions = transition.conditions
        if len(conditions) < 2:
            continue  # a field needs two conditions to contradict itself
        kinds = [kind for kind in _VALUED if isinstance(conditions.get(kind), dict)]
        fields = dict.fromkeys(field for kind in kinds for field in conditions[kind])
        for field in fields:
            if _satisfiable(conditions, field):
                continue
            involved = [kind for kind in kinds if field in conditions[kind]]
            said = " and ".join(f"{kind} {_shown(conditions[kind][field])}" for kind in involved)
            yield Finding(
                subject.locate_key(("transitions", index, "conditions", involved[-1], field)),
                f"transition {transition.name!r}: no value of {field!r} meets {said}; "
                "no call can take the transition",
            )


CHECKS: dict[RuleInfo, GraphCheck] = {
    UNENFORCED_CONDITION: unenforced_condition,
    UNSATISFIABLE_CONDITION: unsatisfiable_condition,
}
