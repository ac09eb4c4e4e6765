select d.name, d.version, d.revision, i.current_state, count(*)
from {{ schema | ident }}.entity_workflow_instances i
join {{ schema | ident }}.workflow_definitions d
    on d.tenant_id = i.tenant_id and d.id = i.workflow_definition_id
where i.tenant_id = (select id from {{ schema | ident }}.tenants where slug = %(tenant)s)
    and i.completed_at is null
group by d.name, d.version, d.revision, i.current_state
