"""Who applies: recorded in the deployments row."""

from __future__ import annotations

import getpass
import os


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
