insert into {{ schema | ident }}.workflow_heads (tenant_id, name, definition_id, updated_at)
select d.tenant_id, d.name, d.id, now()
from {{ schema | ident }}.workflow_definitions d
join unnest(%(names)s::text[], %(versions)s::text[]) as w (name, version)
    on d.name = w.name and d.version = w.version
where d.tenant_id = %(tenant_id)s
on conflict (tenant_id, name) do update
set definition_id = excluded.definition_id, updated_at = excluded.updated_at
