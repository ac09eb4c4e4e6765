"""`pypgflow-ops lint --fix`: the fixes lint can make itself, applied to the files before they are
linted. One fix so far: unenforced conditions moved under `context` (fixing/conditions.py)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pypgflow_ops.config import Config
from pypgflow_ops.discovery import discover, is_scenario_file
from pypgflow_ops.errors import UsageError
from pypgflow_ops.fixing.conditions import Moved, Refused, fix_conditions

__all__ = ["Moved", "Refused", "fix_paths"]


def _replace(path: Path, data: bytes) -> None:
    """Write the file whole or not at all, keeping its permissions (and a symbolic link)."""
    target = path.resolve()
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".fix")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fix_paths(paths: Sequence[Path], config: Config) -> list[Moved | Refused]:
    """Fix the workflow files under `paths` in place; what moved, and the files refused."""
    done: list[Moved | Refused] = []
    for file in discover(paths):
        path = Path(file)
        try:
            if is_scenario_file(file) or path.stat().st_size > config.max_file_size:
                continue  # lint reports a file over the limit
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{file}: cannot read: {exc.strerror}") from None
        fixed = fix_conditions(data, file)
        if fixed.refused is not None:
            done.append(fixed.refused)
        elif fixed.moved:
            try:
                _replace(path, fixed.data)
            except OSError as exc:  # a read-only folder, a full disk: the file is as it was
                reason = f"cannot write it: {exc.strerror or exc}"
                done.append(Refused(file, fixed.moved[0].position, reason))
                continue
            done.extend(fixed.moved)
    return done
