"""A fingerprint of a tenant's live state: what a saved plan was computed against.

Everything a plan depends on takes part (runtime version, tenant, the applied versions it decides
with, each with its recorded and actual content hash and retirement, heads); running instances
do not, so live traffic never makes a plan stale. The versions are those the plan decides with
(`deploy.introspect`): an old version whose content was changed by hand joins them and changes
the fingerprint. An empty database and a missing tenant have fingerprints too.
"""

from __future__ import annotations

import hashlib
import json

from pypgflow_ops.plan import LiveState


def fingerprint(live: LiveState) -> str:
    definitions = sorted(
        (
            d.workflow.name,
            d.workflow.version,
            d.revision,
            d.recorded_hash,
            d.actual_hash,
            d.retired,
        )
        for d in live.definitions
    )
    document = {
        "runtime": live.runtime_version,
        "tenant": live.tenant_exists,
        "definitions": definitions,
        "heads": sorted(live.heads.items()),
    }
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
