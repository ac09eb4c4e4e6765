select h.name, d.version
from {{ schema | ident }}.workflow_heads h
join {{ schema | ident }}.workflow_definitions d
    on d.tenant_id = h.tenant_id and d.id = h.definition_id
where h.tenant_id = (select id from {{ schema | ident }}.tenants where slug = %(tenant)s)
