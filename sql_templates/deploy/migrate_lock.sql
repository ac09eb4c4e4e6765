-- Lock the running instances that the `migrate:` sections move, as execute_transition locks one
-- (FOR UPDATE of its row), in the order of their keys; write each one's history row for the move
-- (the deploy's actor, the instance's next sequence); count them by version and state. A
-- transition that committed first is seen in its new state; one still running is waited for.
-- The history goes in here, while the rows are the locked ones: the foreign-key check of each
-- history row then finds its instance locked already (FOR UPDATE is stronger than the check's
-- FOR KEY SHARE) and writes nothing, where after the move it would lock the new row version.
-- The locking query names no other table: its rows stay narrow for the sort before the locks.
{% set s = schema | ident -%}
with m as (
    select *
    from jsonb_to_recordset(%(migrations)s::jsonb)
        as m (workflow text, version text, from_versions jsonb, states jsonb)
),
sources as (
    select d.id, d.version, d.revision, m.version as to_version, m.states
    from {{ s }}.workflow_definitions d
    join m on m.workflow = d.name and m.from_versions ? d.version and d.version <> m.version
    where d.tenant_id = %(tenant_id)s
),
locked as (
    select i.id, i.workflow_name, i.workflow_definition_id, i.current_state, i.transition_count
    from {{ s }}.entity_workflow_instances i
    where i.tenant_id = %(tenant_id)s and i.completed_at is null
        and i.workflow_name = any(array(select workflow from m))
        and i.workflow_definition_id = any(array(select id from sources))
    order by i.id
    for update
),
recorded as (
    insert into {{ s }}.workflow_transition_history (
        tenant_id, instance_id, sequence, from_state, to_state, transition_name, executed_by,
        subject, context
    )
    select %(tenant_id)s, l.id, l.transition_count + 1, l.current_state,
        coalesce(sources.states ->> l.current_state, l.current_state), null, %(actor)s,
        %(actor)s,
        jsonb_build_object('migration', jsonb_build_object(
            'from_version', sources.version,
            'to_version', sources.to_version,
            'deployment_id', %(deployment_id)s::text
        ))
    from locked l
    join sources on sources.id = l.workflow_definition_id
)
select l.workflow_name, sources.version, sources.revision, l.current_state, count(*)
from locked l
join sources on sources.id = l.workflow_definition_id
group by l.workflow_name, sources.version, sources.revision, l.current_state
order by l.workflow_name, sources.version, l.current_state
