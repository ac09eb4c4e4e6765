-- Lock the running instances that the `migrate:` sections move, as execute_transition locks one
-- (FOR UPDATE of its row), in the order of their keys, and count them by version and state. A
-- transition that committed first is seen in its new state; one still running is waited for.
{% set s = schema | ident -%}
with m as (
    select *
    from jsonb_to_recordset(%(migrations)s::jsonb)
        as m (workflow text, version text, from_versions jsonb, states jsonb)
),
locked as (
    select i.workflow_name, d.version, i.current_state
    from {{ s }}.entity_workflow_instances i
    join {{ s }}.workflow_definitions d
        on d.tenant_id = i.tenant_id and d.id = i.workflow_definition_id
    join m on m.workflow = i.workflow_name and m.from_versions ? d.version
        and d.version <> m.version
    where i.tenant_id = %(tenant_id)s and i.completed_at is null
    order by i.id
    for update of i
)
select workflow_name, version, current_state, count(*)
from locked
group by workflow_name, version, current_state
order by workflow_name, version, current_state
