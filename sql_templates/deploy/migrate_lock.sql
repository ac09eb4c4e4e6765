-- Lock the running instances that the `migrate:` sections move, as execute_transition locks one
-- (FOR UPDATE of its row), in the order of their keys, and count them by version and state. A
-- transition that committed first is seen in its new state; one still running is waited for.
-- The locking query names no other table: its rows stay narrow for the sort before the locks.
{% set s = schema | ident -%}
with m as (
    select *
    from jsonb_to_recordset(%(migrations)s::jsonb)
        as m (workflow text, version text, from_versions jsonb, states jsonb)
),
sources as (
    select d.id
    from {{ s }}.workflow_definitions d
    join m on m.workflow = d.name and m.from_versions ? d.version and d.version <> m.version
    where d.tenant_id = %(tenant_id)s
),
locked as (
    select i.workflow_name, i.workflow_definition_id, i.current_state
    from {{ s }}.entity_workflow_instances i
    where i.tenant_id = %(tenant_id)s and i.completed_at is null
        and i.workflow_name = any(array(select workflow from m))
        and i.workflow_definition_id = any(array(select id from sources))
    order by i.id
    for update
)
select l.workflow_name, d.version, l.current_state, count(*)
from locked l
join {{ s }}.workflow_definitions d
    on d.tenant_id = %(tenant_id)s and d.id = l.workflow_definition_id
group by l.workflow_name, d.version, l.current_state
order by l.workflow_name, d.version, l.current_state
