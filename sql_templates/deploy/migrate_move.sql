-- Move the locked running instances to the version their workflow file names: its definition,
-- the mapped state (else the same name), the next sequence; one history row each, by the
-- deploy's actor; the deployment counts them. One statement, whatever their number. The rows
-- are found again by their ctid: this transaction holds their locks (migrate_lock.sql), so nobody
-- else can have moved them since, and a TID scan costs less than a key lookup per row.
{% set s = schema | ident -%}
with m as (
    select m.*, d.id as definition_id
    from jsonb_to_recordset(%(migrations)s::jsonb)
        as m (workflow text, version text, from_versions jsonb, states jsonb)
    join {{ s }}.workflow_definitions d
        on d.tenant_id = %(tenant_id)s and d.name = m.workflow and d.version = m.version
),
moving as (
    select i.ctid as row, m.definition_id, d.version as from_version, m.version as to_version,
        i.current_state as from_state,
        coalesce(m.states ->> i.current_state, i.current_state) as to_state
    from {{ s }}.entity_workflow_instances i
    join {{ s }}.workflow_definitions d
        on d.tenant_id = i.tenant_id and d.id = i.workflow_definition_id
    join m on m.workflow = i.workflow_name and m.from_versions ? d.version
        and d.version <> m.version
    where i.tenant_id = %(tenant_id)s and i.completed_at is null
),
moved as (
    update {{ s }}.entity_workflow_instances i
    set workflow_definition_id = moving.definition_id,
        current_state = moving.to_state,
        transition_count = i.transition_count + 1,
        updated_at = now()
    from moving
    where i.ctid = moving.row
    returning i.id, i.workflow_name, i.transition_count, moving.from_state, moving.to_state,
        moving.from_version, moving.to_version
),
recorded as (
    insert into {{ s }}.workflow_transition_history (
        tenant_id, instance_id, sequence, from_state, to_state, transition_name, executed_by,
        subject, context
    )
    select %(tenant_id)s, moved.id, moved.transition_count, moved.from_state, moved.to_state,
        null, %(actor)s, %(actor)s,
        jsonb_build_object('migration', jsonb_build_object(
            'from_version', moved.from_version,
            'to_version', moved.to_version,
            'deployment_id', %(deployment_id)s::text
        ))
    from moved
),
counted as (
    update {{ s }}.deployments
    set instances_migrated = (select count(*) from moved)
    where tenant_id = %(tenant_id)s and id = %(deployment_id)s
)
select workflow_name, to_version, count(*)
from moved
group by workflow_name, to_version
order by workflow_name
