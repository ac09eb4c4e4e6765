"""A definition's canonical form survives PostgreSQL's jsonb unchanged, so its hash does too.

Drift detection hashes definitions read back from the database and compares them with the hash
taken of the file: any number jsonb prints differently would be reported as a hand edit.
"""

from __future__ import annotations

import json
import math
from typing import Any

import psycopg

from pypgflow_ops.lint import lint_source

TRICKY = """\
workflow:
  name: numbers
  version: "1"
  metadata:
    big: 1.0e+20
    bigger: 1.2345678901234567e+25
    negative_zero: -0.0
    small: 1.5e-20
    plain: 0.1
    whole: 3.0
    huge_int: 123456789012345678901234567890
states:
  - name: a
    initial: true
    final: true
transitions: []
"""


def test_numbers_read_from_a_file_are_what_jsonb_gives_back(
    conn: psycopg.Connection[tuple[Any, ...]],
) -> None:
    (workflow,) = lint_source(TRICKY.encode(), "numbers.yaml").workflows
    canonical = workflow.canonical()
    row = conn.execute("select %s::jsonb::text", [json.dumps(canonical)]).fetchone()
    assert row is not None

    # Compared as text: in Python 1e20 == 10**20 and -0.0 == 0.0, but their JSON (and hash) differ
    def text(value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    assert text(json.loads(row[0])) == text(canonical)
    metadata = workflow.metadata
    assert metadata["big"] == 10**20 and isinstance(metadata["big"], int)
    assert math.copysign(1, metadata["negative_zero"]) == 1
