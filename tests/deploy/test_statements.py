"""The statements an apply runs, decided without a database, against a golden file.

To accept a deliberate change: `PYPGFLOW_UPDATE_GOLDEN=1 pytest tests/deploy/test_writes.py`,
then review the diff of tests/deploy/golden/ before committing it.
"""

import json
import os
import uuid
from pathlib import Path
from typing import Any

from plan.factories import applied, live, workflow

from pypgflow_ops.deploy.statements import Statement, writes
from pypgflow_ops.plan import Action, make_plan

GOLDEN = Path(__file__).parent / "golden" / "writes.json"
TENANT_ID = uuid.UUID(int=1)


def _statements() -> list[Statement]:
    rolled_back, newer = workflow("rolled"), workflow("rolled", "2.0.0", extra_state="x")
    state = live(
        applied(workflow("orders")),
        applied(rolled_back, 1),
        applied(newer, 2),
        applied(workflow("gone")),
        heads={"rolled": "2.0.0"},
    )
    desired = [workflow("orders", "1.1.0", extra_state="refunded"), rolled_back, workflow("fresh")]
    plan = make_plan("acme", desired, state, runtime_target=1, prune=True)
    assert {c.action for c in plan.changes} == {
        Action.CREATE,
        Action.NEW_VERSION,
        Action.ROLLBACK,
        Action.RETIRE,
    }
    ids = iter(uuid.UUID(int=n) for n in range(100, 200))
    return writes(
        plan,
        {(w.name, w.version): w for w in desired},
        tenant_id=TENANT_ID,
        actor="ci-bot",
        new_id=lambda: next(ids),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def test_the_statements_of_an_apply_match_the_golden_file() -> None:
    shown = [
        {"sql": s.sql.splitlines(), "params": _plain(dict(s.params)), "rows": _plain(s.rows)}
        for s in _statements()
    ]
    text = json.dumps(shown, indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("PYPGFLOW_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_values_travel_as_parameters_never_in_the_sql_text() -> None:
    for statement in _statements():
        assert "orders" not in statement.sql and "acme" not in statement.sql
