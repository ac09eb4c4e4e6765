"""Where a plan's definitions came from: the git commit, whether the workflow files differed from
it, and a hash of the files read. Recorded with the deployment and shown by plan.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.plan import Origin

_WORKFLOW_SUFFIXES = (".yaml", ".yml")


def _git(directory: Path, *args: str) -> str | None:
    """git's output in `directory`; None outside a work tree or without git."""
    try:
        completed = subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return completed.stdout if completed.returncode == 0 else None


def _relative(files: Sequence[str], top: Path | None) -> list[str]:
    if top is None:
        return list(files)
    return [Path(os.path.relpath(Path(f).resolve(), top)).as_posix() for f in files]


def _sha256(file: str) -> str:
    try:
        return hashlib.sha256(Path(file).read_bytes()).hexdigest()
    except OSError as exc:  # gone or changed since lint read it
        raise PypgflowError(f"{file}: cannot read: {exc.strerror}") from None


def files_sha256(files: Sequence[str], names: Sequence[str]) -> str:
    """sha256 of the `sha256sum` listing of the files, sorted by name: `sha256sum FILES | sha256sum`
    run in the repository's top folder gives the same (docs/plan-apply.md)."""
    listing = sorted((name, _sha256(file)) for file, name in zip(files, names, strict=True))
    text = "".join(f"{digest}  {name}\n" for name, digest in listing)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dirty(top: Path, names: Sequence[str], paths: Sequence[Path]) -> bool:
    """True when a file read differs from HEAD (modified, staged, untracked or ignored), or when
    a workflow file HEAD has under `paths` is gone from the work tree."""
    status = _git(
        top,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignored=matching",
        "--no-renames",
        "--",
        *(str(p.resolve()) for p in paths),
    )
    if status is None:
        return True  # git failed after it found the work tree: do not claim a clean one
    read = set(names)
    for entry in filter(None, status.split("\0")):
        code, name = entry[:2], entry[3:]
        if name in read or (name.endswith("/") and any(n.startswith(name) for n in read)):
            return True
        if "D" in code and name.endswith(_WORKFLOW_SUFFIXES):
            return True
    return False


def origin(files: Sequence[str], paths: Sequence[Path]) -> Origin:
    """The origin of the workflow `files` read from `paths` (files and folders)."""
    near = paths[0] if paths else Path()
    directory = near if near.is_dir() else near.parent
    found = _git(directory, "rev-parse", "--show-toplevel")
    top = Path(found.strip()) if found else None
    names = _relative(files, top)
    if top is None:
        return Origin(None, None, files_sha256(files, names))
    commit = (_git(top, "rev-parse", "--verify", "-q", "HEAD") or "").strip() or None
    dirty = commit is None or _dirty(top, names, paths)
    return Origin(commit, dirty, files_sha256(files, names))
