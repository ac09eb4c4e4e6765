"""How long `apply --plan` takes to read a saved plan of the lint benchmark's 1,000 workflows
(shape check, then lint of every carried definition), beside lint of the same files.

    python benchmarks/lint/generate.py && python benchmarks/deploy/saved_plan.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.deploy import saved_plan
from pypgflow_ops.lint import lint_paths
from pypgflow_ops.plan import LiveState, make_plan

FILES = Path(__file__).resolve().parents[1] / "data" / "lint" / "files"


def main() -> None:
    started = time.perf_counter()
    desired = lint_paths([FILES]).workflows
    lint_seconds = time.perf_counter() - started
    plan = make_plan("bench", desired, LiveState(None, False), runtime_target=1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.json"
        saved_plan.write(path, saved_plan.saved(plan, desired, "sha256:bench", prune=False))
        started = time.perf_counter()
        again = saved_plan.read(path, Config())
        read_seconds = time.perf_counter() - started
        size = path.stat().st_size
    assert [w.content_hash() for w in again.workflows] == [w.content_hash() for w in desired]
    print(f"lint of {len(desired)} files: {lint_seconds:.2f} s")
    print(f"read of the saved plan ({size:,} bytes): {read_seconds:.2f} s")


if __name__ == "__main__":
    main()
