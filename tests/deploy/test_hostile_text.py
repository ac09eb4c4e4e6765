"""Hostile text in every free-text field lands byte for byte, and reads back as unchanged."""

from __future__ import annotations

from pathlib import Path

from .cli import apply, plan, rows
from .workflow_files import chain, write

HOSTILE = (
    "'; drop table pypgflow.tenants; -- \" $$ $tag$ {{ schema }} {% raw %} \\ \\N \t\n\r"
    " \u202e\u200b ü 中文 🚀 %s %(x)s :name ?"
)


def test_hostile_text_round_trips_byte_for_byte(runtime_database_url: str, tmp_path: Path) -> None:
    url, tenant = runtime_database_url, "hostile"
    document = chain("orders", note=HOSTILE)
    folder = write(tmp_path / "wf", document)

    assert apply(folder, tenant, url, "--actor", HOSTILE)[0] == 0

    ((slug, actor, metadata),) = rows(
        url,
        "select t.slug, p.actor, d.metadata from pypgflow.tenants t"
        " join pypgflow.deployments p on p.tenant_id = t.id"
        " join pypgflow.workflow_definitions d on d.tenant_id = t.id where t.slug = %s",
        tenant,
    )
    assert (slug, actor, metadata) == (tenant, HOSTILE, document["workflow"]["metadata"])
    assert rows(
        url,
        "select s.metadata from pypgflow.workflow_states s join pypgflow.tenants t"
        " on t.id = s.tenant_id where t.slug = %s and s.name = 'done'",
        tenant,
    ) == [(document["states"][-1]["metadata"],)]
    transition = document["transitions"][0]
    assert rows(
        url,
        "select x.conditions, x.context, x.metadata from pypgflow.workflow_transitions x"
        " join pypgflow.tenants t on t.id = x.tenant_id where t.slug = %s and x.name = 'to_s1'",
        tenant,
    ) == [(transition["conditions"], transition["context"], transition["metadata"])]
    assert plan(folder, tenant, url, "--detailed-exitcode")[0] == 0  # the hashes agree too
