-- create the api views, with the caller's rights (security_invoker), so row-level security applies
{% set s = schema | ident -%}
{% set a = api | ident -%}
create view {{ a }}.workflows with (security_invoker = true) as
select
    d.id,
    d.name,
    d.version,
    d.revision,
    d.content_hash,
    d.metadata,
    d.created_at,
    d.created_by,
    d.retired_at,
    -- the version start_workflow(name) uses: the head, else the newest revision; none if retired
    d.retired_at is null and d.id = coalesce(
        h.definition_id,
        (
            select n.id
            from {{ s }}.workflow_definitions n
            where n.tenant_id = d.tenant_id and n.name = d.name
            order by n.revision desc
            limit 1
        )
    ) as active
from {{ s }}.workflow_definitions d
left join {{ s }}.workflow_heads h on h.tenant_id = d.tenant_id and h.name = d.name;

create view {{ a }}.workflow_states with (security_invoker = true) as
select
    d.id as workflow_definition_id,
    d.name as workflow_name,
    d.version,
    s.name,
    s.initial,
    s.final,
    s.metadata
from {{ s }}.workflow_states s
join {{ s }}.workflow_definitions d on d.tenant_id = s.tenant_id and d.id = s.definition_id;

create view {{ a }}.workflow_transitions with (security_invoker = true) as
select
    d.id as workflow_definition_id,
    d.name as workflow_name,
    d.version,
    t.name,
    t.from_state,
    t.to_state,
    t.conditions,
    t.context,
    t.metadata
from {{ s }}.workflow_transitions t
join {{ s }}.workflow_definitions d on d.tenant_id = t.tenant_id and d.id = t.definition_id;

create view {{ a }}.entity_workflows with (security_invoker = true) as
select
    i.id,
    i.workflow_definition_id,
    i.workflow_name,
    d.version,
    i.entity_table,
    i.entity_id,
    i.current_state,
    i.metadata,
    i.created_at,
    i.updated_at,
    i.completed_at
from {{ s }}.entity_workflow_instances i
join {{ s }}.workflow_definitions d
    on d.tenant_id = i.tenant_id and d.id = i.workflow_definition_id;

create view {{ a }}.workflow_history with (security_invoker = true) as
select
    h.id,
    h.instance_id as entity_workflow_instance_id,
    h.sequence,
    h.from_state,
    h.to_state,
    h.transition_name,
    h.executed_by,
    h.notes,
    h.context,
    h.executed_at
from {{ s }}.workflow_transition_history h;

-- Views over joins are not updatable, and PostgreSQL says so (55000, a 500 through PostgREST)
-- before it checks privileges. With INSTEAD OF triggers the privilege check comes first, so a
-- write is "permission denied" (42501, a 403); the trigger itself refuses the owner too.
create function {{ s }}.refuse_write_to_view() returns trigger
language plpgsql
as $body$
begin
    raise exception using
        errcode = '42501',
        message = format('%s is read-only', tg_table_name),
        hint = 'Definitions change through apply; instances through the api functions.';
end
$body$;

{% for view in ["workflows", "workflow_states", "workflow_transitions", "entity_workflows",
                "workflow_history"] %}
create trigger read_only instead of insert or update or delete on {{ a }}.{{ view | ident }}
    for each row execute function {{ s }}.refuse_write_to_view();
{% endfor %}
