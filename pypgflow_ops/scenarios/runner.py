"""Run one scenario through the api functions, inside a savepoint that is always rolled back.

The caller has already taken the role and the claims of the tenant, as PostgREST does. A step
expected to be refused gets a savepoint of its own, so the journey can go on after the refusal;
any other step runs without one, and its unexpected refusal ends the journey. A savepoint is sent
in one round trip with the call after it, and the scenario's rollback with its last read, so a
journey costs the round trips of its calls, as the same calls made one by one would.
"""

from __future__ import annotations

import functools
import time
import uuid
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from pypgflow_ops.db.runtime import DEFAULT_NAMES
from pypgflow_ops.runtime_errors import kind_of
from pypgflow_ops.scenarios.model import Expect, Scenario, Step
from pypgflow_ops.scenarios.results import Failure, Move, ScenarioResult
from pypgflow_ops.sqltemplates import render

ACTOR = "pypgflow-ops test"


@functools.cache
def statement(name: str) -> sql.SQL:
    return sql.SQL(render(f"scenarios/{name}.sql", api=DEFAULT_NAMES.api))


class _Failed(Exception):
    def __init__(self, failure: Failure) -> None:
        self.failure = failure


def refusal(exc: psycopg.Error) -> str:
    """How a refusal reads in a report: its kind, SQLSTATE and the runtime's message."""
    message = exc.diag.message_primary or str(exc)
    return f"refused: {kind_of(exc.sqlstate) or 'error'} ({exc.sqlstate}): {message}"


def _broken(conn: psycopg.Connection[Any], exc: psycopg.Error) -> None:
    """A lost connection or an interrupted query ends the run, not just the scenario."""
    if conn.broken or isinstance(exc, psycopg.OperationalError | psycopg.errors.QueryCanceled):
        raise exc


# Names of our own making (never from a file): the savepoints of a scenario and of a step.
_SCENARIO = sql.Identifier("pypgflow_scenario")
_STEP = sql.Identifier("pypgflow_step")


def _undo(conn: psycopg.Connection[Any], savepoint: sql.Identifier) -> None:
    conn.execute(sql.SQL("rollback to savepoint {0}; release savepoint {0}").format(savepoint))


def _start(conn: psycopg.Connection[Any], workflow: str, scenario: Scenario) -> uuid.UUID:
    params = {
        "workflow": workflow,
        "entity_table": scenario.entity_table,
        "entity_id": scenario.entity_id,
        "metadata": Jsonb(scenario.metadata),
    }
    try:
        with conn.pipeline():
            conn.execute(sql.SQL("savepoint {}").format(_SCENARIO))
            cursor = conn.execute(statement("start"), params)
    except psycopg.Error as exc:
        _broken(conn, exc)
        _undo(conn, _SCENARIO)
        raise _Failed(Failure(scenario.start_position, "a new instance", refusal(exc))) from None
    row = cursor.fetchone()
    assert row is not None
    instance: uuid.UUID = row[0]
    return instance


def _move(conn: psycopg.Connection[Any], instance: uuid.UUID, step: Step) -> None:
    params = {"instance": instance, "to": step.to, "by": ACTOR, "context": Jsonb(step.context)}
    if step.refused is None:
        try:
            conn.execute(statement("move"), params)
        except psycopg.Error as exc:
            _broken(conn, exc)
            raise _Failed(Failure(step.position, f"a move to {step.to!r}", refusal(exc))) from None
        return
    expected = f"refused: {step.refused}"
    try:
        with conn.pipeline():
            conn.execute(sql.SQL("savepoint {}").format(_STEP))
            cursor = conn.execute(statement("move"), params)
    except psycopg.Error as exc:
        _broken(conn, exc)
        _undo(conn, _STEP)
        if kind_of(exc.sqlstate) != step.refused:
            raise _Failed(Failure(step.position, expected, refusal(exc))) from None
        return
    row = cursor.fetchone()
    assert row is not None
    raise _Failed(Failure(step.position, expected, f"moved to {row[0]!r}"))


def _shown(value: object) -> str:
    """A value as the scenario file writes it."""
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def _mismatch(expect: Expect, state: str, finished: bool, history: int) -> Failure | None:
    wanted = {"state": expect.state, "finished": expect.finished, "history": expect.history}
    found = {"state": state, "finished": finished, "history": history}
    differs = [key for key, value in wanted.items() if value is not None and value != found[key]]
    if not differs:
        return None
    expected = ", ".join(f"{key} {_shown(wanted[key])}" for key in differs)
    actual = ", ".join(f"{key} {_shown(found[key])}" for key in differs)
    return Failure(expect.position, expected, actual)


def _journey(conn: psycopg.Connection[Any], workflow: str, scenario: Scenario) -> tuple[Move, ...]:
    """The scenario's moves; its savepoint is rolled back whatever happens."""
    instance = _start(conn, workflow, scenario)
    try:
        for step in scenario.steps:
            _move(conn, instance, step)
    except _Failed:
        _undo(conn, _SCENARIO)
        raise
    with conn.pipeline():
        cursor = conn.execute(statement("outcome"), {"instance": instance})
        conn.execute(sql.SQL("rollback to savepoint {}").format(_SCENARIO))
        conn.execute(sql.SQL("release savepoint {}").format(_SCENARIO))
    row = cursor.fetchone()
    assert row is not None
    state, finished, history = row
    moves = tuple((m[0], m[1], m[2]) for m in history)
    if scenario.expect is not None:
        failure = _mismatch(scenario.expect, state, finished, len(moves))
        if failure is not None:
            raise _Failed(failure)
    return moves


def run_scenario(
    conn: psycopg.Connection[Any], file: str, workflow: str, scenario: Scenario
) -> ScenarioResult:
    """Run the scenario in a savepoint rolled back afterwards, whatever happened."""
    started = time.perf_counter()
    failure: Failure | None = None
    moves: tuple[Move, ...] = ()
    try:
        moves = _journey(conn, workflow, scenario)
    except _Failed as failed:
        failure = failed.failure
    return ScenarioResult(
        file,
        workflow,
        scenario.name,
        scenario.position,
        time.perf_counter() - started,
        failure,
        moves if failure is None else (),
    )
