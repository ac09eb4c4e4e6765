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


JOURNEY = """\
  - name: journey {n}
    start: {{entity_table: orders, entity_id: "1", metadata: {{payment_reference: p}}}}
    steps:
      - {{to: delivered, refused: not-allowed}}
      - to: paid
      - to: shipped
      - to: delivered
    expect: {{state: delivered}}
"""


def _round_trips(url: str, scenarios: int) -> int:
    from deploy.roundtrips import counted

    workflows = lint_source(ORDER.encode(), "order.yaml").workflows
    text = "workflow: order\nscenarios:\n" + "".join(JOURNEY.format(n=n) for n in range(scenarios))
    file, _ = read_scenarios(text.encode(), "o.scenarios.yaml")
    assert file is not None
    with psycopg.connect(url) as conn, counted(conn) as trips:
        assert all(r.passed for r in run_scenarios(conn, workflows, [file]))
    return trips.count


def test_a_journey_costs_a_round_trip_per_call_and_one_per_expected_refusal(
    runtime_database_url: str,
) -> None:
    # The start with its savepoint, three moves, the refused move with its savepoint, that
    # savepoint's rollback, and the last read with the scenario's rollback.
    per_scenario = (
        _round_trips(runtime_database_url, 5) - _round_trips(runtime_database_url, 1)
    ) / 4
    assert per_scenario == 1 + 3 + 1 + 1 + 1
