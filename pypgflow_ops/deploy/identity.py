"""Who applies, and from which git commit: recorded in the deployments row."""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path


def actor(explicit: str | None) -> str:
    """`--actor`, else GITHUB_ACTOR, else the operating-system user, else `uid <N>`."""
    if explicit:
        return explicit
    return os.environ.get("GITHUB_ACTOR") or _os_user()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid with no passwd entry, as containers often run
        return f"uid {os.getuid()}"


def git_commit(near: Path) -> str | None:
    """The commit checked out in the repository holding `near`; None outside one or without git."""
    directory = near if near.is_dir() else near.parent
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--verify", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return completed.stdout.strip() or None if completed.returncode == 0 else None
