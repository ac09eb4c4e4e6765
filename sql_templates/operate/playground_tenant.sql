-- the playground's tenant id, and the first of its workflows (for the example calls)
select t.id::text, min(h.name)
from {{ schema | ident }}.tenants t
join {{ schema | ident }}.workflow_heads h on h.tenant_id = t.id
where t.slug = %(tenant)s
group by t.id
