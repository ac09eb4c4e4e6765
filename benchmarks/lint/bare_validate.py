"""Baseline (b): libyaml's CSafeLoader plus one precompiled jsonschema validator, nothing else.

No positions, no strict loading, no graph checks: strictly less work than `pypgflow-ops lint`.
Prints one line: files, invalid files, errors, and the seconds spent loading and validating.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "workflow.schema.json"


def main(folder: Path) -> int:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    loading = validating = 0.0
    files = invalid = errors = 0
    for path in sorted(folder.rglob("*.yaml")):
        started = time.perf_counter()
        document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        loaded = time.perf_counter()
        found = sum(1 for _ in validator.iter_errors(document))
        validating += time.perf_counter() - loaded
        loading += loaded - started
        files += 1
        invalid += found > 0
        errors += found
    print(f"files={files} invalid={invalid} errors={errors} "
          f"load_s={loading:.2f} validate_s={validating:.2f}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
