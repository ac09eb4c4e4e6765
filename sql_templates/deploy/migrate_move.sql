-- Move the instances that migrate_lock.sql locked (and wrote the history of) to the version
-- their workflow file names: its definition, the mapped state (else the same name), the next
-- transition count, now; the deployment counts them. One statement, whatever their number.
{% set s = schema | ident -%}
with m as (
    select m.*, d.id as definition_id
    from jsonb_to_recordset(%(migrations)s::jsonb)
        as m (workflow text, version text, from_versions jsonb, states jsonb)
    join {{ s }}.workflow_definitions d
        on d.tenant_id = %(tenant_id)s and d.name = m.workflow and d.version = m.version
),
moved as (
    update {{ s }}.entity_workflow_instances i
    set workflow_definition_id = m.definition_id,
        current_state = coalesce(m.states ->> i.current_state, i.current_state),
        transition_count = i.transition_count + 1,
        updated_at = now()
    from {{ s }}.workflow_definitions d, m
    where i.tenant_id = %(tenant_id)s and i.completed_at is null
        and d.tenant_id = i.tenant_id and d.id = i.workflow_definition_id
        and m.workflow = i.workflow_name and m.from_versions ? d.version
        and d.version <> m.version
    returning i.workflow_name, m.version
),
counted as (
    update {{ s }}.deployments
    set instances_migrated = (select count(*) from moved)
    where tenant_id = %(tenant_id)s and id = %(deployment_id)s
)
select workflow_name, version, count(*)
from moved
group by workflow_name, version
order by workflow_name
