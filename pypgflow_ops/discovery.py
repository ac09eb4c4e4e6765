"""Which files a lint run reads: those named, and the workflow files below the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from pypgflow_ops.errors import UsageError

WORKFLOW_SUFFIXES = (".yaml", ".yml")
SCENARIO_SUFFIXES = (".scenarios.yaml", ".scenarios.yml")


def _unreadable(error: OSError) -> None:
    raise UsageError(f"{error.filename}: cannot read: {error.strerror}")


def _walk(folder: Path) -> Iterator[str]:
    # Hidden folders and files (.git, .venv, .pypgflow-ops.yaml) are not workflows.
    for root, dirs, names in os.walk(folder, onerror=_unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = str(Path(root, name))  # Path drops the "./" that os.walk(".") puts in front
            if (
                not name.startswith(".")
                and name.lower().endswith(WORKFLOW_SUFFIXES)
                and os.path.isfile(path)  # not a FIFO or a device, which would block a read
            ):
                yield path


def _folder(folder: Path) -> list[str]:
    files = list(_walk(folder))
    if not files:
        raise UsageError(
            f"{folder}: no *.yaml or *.yml files in this folder; name the folder "
            "that holds the workflows"
        )
    return files


def discover(paths: Sequence[Path]) -> list[str]:
    """Sorted, each file once however it was named; paths are kept as the user wrote them."""
    found: dict[str, str] = {}
    for path in paths:
        if path.is_dir():
            files = _folder(path)
        elif path.is_file():
            files = [str(path)]
        elif path.exists():
            raise UsageError(f"{path}: not a regular file")
        else:
            raise UsageError(f"{path}: no such file or folder")
        for file in files:
            found.setdefault(os.path.realpath(file), file)
    return sorted(found.values())


def is_scenario_file(path: str) -> bool:
    """A scenario file (`*.scenarios.yaml`), which is read as scenarios, never as a workflow."""
    return path.lower().endswith(SCENARIO_SUFFIXES)
