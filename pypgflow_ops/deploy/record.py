"""What the deployments row records about the plan it applied: `plan_hash` and `summary`.

The hash is taken of its own shape (versioned by `plan_hash_format`), holding only what decides
the deploy: the tenant, the runtime step and, per workflow version, the action, the revision, the
content hash and the running instances a `migrate:` section moves (by version and state). Other
running instances, file names and messages do not take part, so the plan a reviewer saved and the
same plan made again under the lock hash the same.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pypgflow_ops.migration import Fate
from pypgflow_ops.plan import Change, Plan

PLAN_HASH_FORMAT = 2  # 2: the instances a migration moves


def migrated(change: Change) -> list[dict[str, Any]]:
    """The groups of running instances the change moves to its version: what makes a saved plan
    stale when someone starts, moves or finishes one of them."""
    groups = change.impact.groups if change.impact else ()
    return [
        {"version": g.version, "state": g.state, "count": g.count, "to_state": g.to_state}
        for g in groups
        if g.fate is Fate.MIGRATED
    ]


def decisions(plan: Plan) -> dict[str, Any]:
    """What decides a deploy: what a saved plan promises (and `apply --plan` compares with the
    plan made again), and what the plan hash covers."""
    return {
        "create_tenant": plan.create_tenant,
        "runtime": {"installed": plan.runtime_installed, "target": plan.runtime_target},
        "changes": [
            {
                "workflow": c.workflow,
                "version": c.version,
                "action": str(c.action),
                "active_version": c.active_version,
                "revision": c.revision,
                "content_hash": c.content_hash,
                "migrated": migrated(c),
            }
            for c in plan.changes
        ],
        "not_in_repository": list(plan.not_in_repository),
    }


def hashed_shape(plan: Plan) -> dict[str, Any]:
    return {"plan_hash_format": PLAN_HASH_FORMAT, "tenant": plan.tenant, **decisions(plan)}


def plan_hash(plan: Plan) -> str:
    """sha256 (hex) of the hashed shape as compact JSON with sorted keys."""
    text = json.dumps(hashed_shape(plan), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summary(plan: Plan) -> dict[str, Any]:
    """The `summary` column: the plan's counts, and where its definitions came from."""
    return {**plan.summary(), "origin": plan.origin.to_dict() if plan.origin else None}
