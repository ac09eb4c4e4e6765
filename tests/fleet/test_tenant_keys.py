"""The invariant that lets the runtime's tables be sharded by tenant (docs/scaling.md): every
primary key, unique constraint and foreign key of a tenant-owned table leads with tenant_id."""

from __future__ import annotations

from typing import Any

import psycopg

KEYS = """
select c.conrelid::regclass::text, c.conname, c.contype::text,
       (select array_agg(a.attname order by k.ord)
        from unnest(c.conkey) with ordinality k(attnum, ord)
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns
from pg_constraint c
join pg_class r on r.oid = c.conrelid
join pg_namespace n on n.oid = r.relnamespace
where n.nspname = 'pypgflow' and c.contype in ('p', 'u', 'f')
  and exists (select 1 from pg_attribute a
              where a.attrelid = c.conrelid and a.attname = 'tenant_id' and not a.attisdropped)
order by 1, 2
"""

UNIQUE_INDEXES = """
select i.indexrelid::regclass::text, a.attname
from pg_index i
join pg_class r on r.oid = i.indrelid
join pg_namespace n on n.oid = r.relnamespace
join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
where n.nspname = 'pypgflow' and i.indisunique
  and exists (select 1 from pg_attribute t
              where t.attrelid = i.indrelid and t.attname = 'tenant_id' and not t.attisdropped)
"""


def test_every_key_of_a_tenant_owned_table_leads_with_tenant_id(
    runtime_conn: psycopg.Connection[tuple[Any, ...]],
) -> None:
    keys = runtime_conn.execute(KEYS).fetchall()
    assert len({table for table, *_ in keys}) >= 5  # the runtime's tenant-owned tables
    # tenant_roles is not tenant data: it maps a login role, global to the cluster, to its one
    # tenant, so it is keyed by the role (a reference table on Citus: docs/scaling.md).
    owned = [k for k in keys if k[0] != "pypgflow.tenant_roles"]
    assert [k for k in owned if k[3][0] != "tenant_id"] == []
    indexes = runtime_conn.execute(UNIQUE_INDEXES).fetchall()
    owned_indexes = [i for i in indexes if i[0] != "pypgflow.tenant_roles_pkey"]
    assert [i for i in owned_indexes if i[1] != "tenant_id"] == []
