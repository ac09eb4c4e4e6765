"""A small repository to test, the command run as a user would, and a dump of a whole database."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from pypgflow_ops.cli import app

ORDER = """\
workflow: {name: order, version: "1"}
states:
  - {name: placed, initial: true}
  - {name: paid}
  - {name: shipped}
  - {name: delivered, final: true}
  - {name: cancelled, final: true}
transitions:
  - {from: placed, to: paid, name: pay, conditions: {field_required: payment_reference}}
  - {from: placed, to: cancelled, name: cancel}
  - {from: paid, to: shipped, name: ship}
  - {from: shipped, to: delivered, name: deliver}
"""


def repository(folder: Path, scenarios: str, workflow: str = ORDER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "order.yaml").write_text(workflow, encoding="utf-8")
    (folder / "order.scenarios.yaml").write_text(scenarios, encoding="utf-8")
    return folder


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def dump(url: str) -> str:
    """Schema and data, without the random key pg_dump 15.20 writes into every dump."""
    text = subprocess.run(
        ["pg_dump", "--dbname", url], check=True, capture_output=True, text=True
    ).stdout
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith(("\\restrict", "\\unrestrict"))
    )
