-- api.get_transitions: what an instance may do next, and whether the conditions hold now
{% set s = schema | ident -%}
{% set a = api | ident -%}
{% set owner = owner_role | ident -%}
{% set authenticated = authenticated_role | ident -%}
-- The transitions an instance may take from its current state in its pinned version (declared
-- from it, or wildcards to another state), in the order execute_transition prefers them for one
-- target; a finished instance has none. `conditions_met` and `unmet` judge the instance's
-- metadata alone: a call's context may still supply what is missing. STABLE, so PostgREST
-- serves it to GET as well as POST.
create function {{ a }}.get_transitions(instance_id uuid)
returns table (
    name text,
    from_state text,
    to_state text,
    final boolean,
    to_state_metadata jsonb,
    context jsonb,
    conditions jsonb,
    conditions_met boolean,
    unmet jsonb
)
language plpgsql
stable
security definer
set search_path = {{ s }}, pg_temp
as $body$
declare
    tenant uuid := require_tenant();
    instance record;
begin
    if get_transitions.instance_id is null then
        raise exception using errcode = '22004', message = 'instance_id is required';
    end if;
    select i.workflow_definition_id, i.current_state, i.metadata, i.completed_at into instance
    from entity_workflow_instances i
    where i.tenant_id = tenant and i.id = get_transitions.instance_id;
    if not found then
        raise exception using
            errcode = 'PT404',
            message = format('unknown workflow instance %s', get_transitions.instance_id);
    end if;
    if instance.completed_at is not null then
        return;
    end if;
    return query
    select t.name, t.from_state, t.to_state, s.final, s.metadata, t.context, t.conditions,
        u.unmet = '[]'::jsonb, u.unmet
    from workflow_transitions t
    join workflow_states s
        on s.tenant_id = t.tenant_id and s.definition_id = t.definition_id and s.name = t.to_state
    cross join lateral (select unmet_conditions(t.conditions, instance.metadata) as unmet) u
    where t.tenant_id = tenant and t.definition_id = instance.workflow_definition_id
        and (t.from_state = instance.current_state
            or t.from_state is null and t.to_state <> instance.current_state)
    order by t.to_state, u.unmet = '[]'::jsonb desc, t.from_state is null, t.name;
end
$body$;

comment on function {{ a }}.get_transitions(uuid) is $$What an instance may do next
The transitions it may take from its current state in its version (declared from that state, or
from any state: from_state null), in the order execute_transition prefers them for one target: name, target
state (its final flag and metadata), context, conditions, and whether the conditions hold for the
instance's metadata now (unmet: each condition and field that does not, with the reason; a call's
context may still supply them). None for a finished instance; 404 for an unknown one.$$;

-- A non-superuser may give a function to a role only if that role may create in its schema.
grant create on schema {{ a }} to {{ owner }};
alter function {{ a }}.get_transitions(uuid) owner to {{ owner }};
revoke create on schema {{ a }} from {{ owner }};
revoke execute on function {{ a }}.get_transitions(uuid) from public;
grant execute on function {{ a }}.get_transitions(uuid) to {{ authenticated }};
