"""The saved plan of a fleet (`plan --out FILE` for several tenants): one file, one saved plan
per tenant as `deploy.saved_plan` writes it, versioned on its own by `fleet_plan_format`.

`apply --plan FILE` applies it as a whole, in one transaction: if any tenant moved on since, the
whole file is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pypgflow_ops import __version__
from pypgflow_ops.deploy import saved_plan
from pypgflow_ops.deploy.saved_plan import SavedPlan
from pypgflow_ops.errors import PypgflowError
from pypgflow_ops.files import read_regular_file

if TYPE_CHECKING:
    from pypgflow_ops.config import Config

FLEET_PLAN_FORMAT = 1


def dumps(plans: Sequence[SavedPlan]) -> str:
    return json.dumps(
        {
            "fleet_plan_format": FLEET_PLAN_FORMAT,
            "written_by": f"pypgflow-ops {__version__}",
            "plans": [saved_plan.document(p) for p in plans],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def write(path: Path, plans: Sequence[SavedPlan]) -> None:
    try:
        path.write_text(dumps(plans), encoding="utf-8")
    except OSError as exc:
        raise PypgflowError(f"cannot write the plan to {path}: {exc.strerror}") from None


def read(path: Path, config: Config) -> tuple[SavedPlan, ...]:
    """Every tenant's saved plan in `path`, each checked as a single saved plan is."""
    document = saved_plan.parsed(read_regular_file(path, saved_plan.MAX_SIZE, "the plan"), path)
    if not isinstance(document, dict) or "fleet_plan_format" not in document:
        raise PypgflowError(
            f"{path}: not a plan for several tenants: apply it with one --tenant, the one it "
            "was made for"
        )
    if document["fleet_plan_format"] != FLEET_PLAN_FORMAT or not isinstance(
        document.get("plans"), list
    ):
        raise PypgflowError(
            f"{path}: a fleet plan this pypgflow-ops {__version__} cannot read "
            f"(format {FLEET_PLAN_FORMAT}): make the plan again"
        )
    plans = tuple(saved_plan.from_document(each, path, config) for each in document["plans"])
    tenants = [p.tenant for p in plans]
    if len(set(tenants)) != len(tenants):
        raise PypgflowError(f"{path}: names a tenant twice: make the plan again")
    return plans
