"""The runner against the runtime, without lint in front: each refusal kind the runtime gives is
reported as it is, also where lint would have caught the mistake first."""

from __future__ import annotations

import psycopg

from pypgflow_ops.lint import lint_source
from pypgflow_ops.model import Position
from pypgflow_ops.scenarios.reading import read_scenarios
from pypgflow_ops.scenarios.results import Failure
from pypgflow_ops.scenarios.session import run_scenarios

from .helpers import ORDER, dump

SCENARIOS = """\
workflow: order
scenarios:
  - name: not-allowed expected, condition-not-met given
    start: {entity_table: orders, entity_id: "1"}
    steps:
      - {to: paid, refused: not-allowed}
  - name: finished expected, not-allowed given
    start: {entity_table: orders, entity_id: "1"}
    steps:
      - {to: placed, refused: finished}
  - name: not-allowed expected, finished given
    start: {entity_table: orders, entity_id: "1"}
    steps:
      - to: cancelled
      - {to: paid, refused: not-allowed}
  - name: a move expected, finished given
    start: {entity_table: orders, entity_id: "1"}
    steps:
      - to: cancelled
      - to: placed
"""


def test_each_refusal_kind_is_reported_as_the_runtime_gave_it(database_url: str) -> None:
    workflows = lint_source(ORDER.encode(), "order.yaml").workflows
    file, problems = read_scenarios(SCENARIOS.encode(), "o.scenarios.yaml")
    assert file is not None and problems == []
    before = dump(database_url)
    with psycopg.connect(database_url) as conn:
        results = run_scenarios(conn, workflows, [file])
    assert dump(database_url) == before
    failures = [r.failure for r in results]
    assert [f.position if f else None for f in failures] == [
        Position(6, 9),
        Position(10, 9),
        Position(15, 9),
        Position(20, 9),
    ]
    assert [(f.expected, f.actual.split(":")[:2]) for f in failures if f] == [
        ("refused: not-allowed", ["refused", " condition-not-met (PT412)"]),
        ("refused: finished", ["refused", " not-allowed (PT400)"]),
        ("refused: not-allowed", ["refused", " finished (PT423)"]),
        ("a move to 'placed'", ["refused", " finished (PT423)"]),
    ]
    assert all(isinstance(f, Failure) for f in failures)
