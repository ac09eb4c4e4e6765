-- deployments count the running instances they moved; a transition that waited for an instance reads it again
{% set s = schema | ident -%}
{% set a = api | ident -%}
-- apply moves the running instances a workflow file's `migrate:` section lists (docs/plan-apply.md,
-- "Moving running instances") and records how many here. A constant default: no table rewrite.
alter table {{ s }}.deployments add column instances_migrated integer not null default 0;
alter table {{ s }}.deployments
    add constraint deployments_instances_migrated_check check (instances_migrated >= 0);

-- Moves an instance along a transition declared from its current state in its pinned version.
-- FOR UPDATE serializes concurrent calls on one instance (bounded by lock_timeout: then PT503);
-- the history's (instance, sequence) key is the backstop against a fork. Two statements: the
-- locked instance with the transition to take, then the update and its history row. (Each
-- statement pays for row-level security on every table it names, now that it applies here.)
create or replace function {{ a }}.execute_transition(
    instance_id uuid,
    to_state text,
    executed_by text,
    notes text default null,
    context jsonb default '{}'
) returns {{ a }}.entity_workflows
language plpgsql
security definer
set search_path = {{ s }}, pg_temp
as $body$
declare
    tenant uuid := require_tenant();
    given_context jsonb := coalesce(execute_transition.context, '{}');
    caller_lock_timeout text;
    held record;  -- the locked instance, with the transition to take
    instance entity_workflow_instances;
    missing text[] := '{}';
begin
    if execute_transition.instance_id is null then
        raise exception using errcode = '22004', message = 'instance_id is required';
    end if;
    if execute_transition.to_state is null then
        raise exception using errcode = '22004', message = 'to_state is required';
    end if;
    if execute_transition.executed_by is null then
        raise exception using errcode = '22004', message = 'executed_by is required';
    end if;
    if jsonb_typeof(given_context) <> 'object' then
        raise exception using errcode = '22023', message = 'context must be a JSON object';
    end if;
    if octet_length(execute_transition.executed_by) > 1000 then
        raise exception using errcode = 'PT413', message = 'executed_by is limited to 1000 bytes';
    end if;
    if octet_length(execute_transition.notes) > 10000 then
        raise exception using errcode = 'PT413', message = 'notes are limited to 10000 bytes';
    end if;
    if pg_column_size(given_context) > 65536 then
        raise exception using errcode = 'PT413', message = 'context is limited to 65536 bytes';
    end if;

    -- The common case, an instance nobody else holds: locked without a wait or a subtransaction.
    -- Parallel transitions to one state: take one whose conditions hold, else report the first.
    select i.id, i.workflow_definition_id, i.workflow_name, i.current_state, i.metadata,
        i.transition_count, i.completed_at, m.name, m.conditions, m.final, m.version
    into held
    from entity_workflow_instances i
    left join lateral (
        select t.name, t.conditions, s.final, d.version
        from workflow_transitions t
        join workflow_states s
            on s.tenant_id = t.tenant_id and s.definition_id = t.definition_id
            and s.name = t.to_state
        join workflow_definitions d on d.tenant_id = t.tenant_id and d.id = t.definition_id
        where t.tenant_id = i.tenant_id and t.definition_id = i.workflow_definition_id
            and t.from_state = i.current_state and t.to_state = execute_transition.to_state
        order by
            t.conditions = '{}'::jsonb
                or cardinality(missing_fields(t.conditions, i.metadata || given_context)) = 0
                desc,
            t.name
        limit 1
    ) m on true
    where i.tenant_id = tenant and i.id = execute_transition.instance_id
    for update of i skip locked;
    if not found then
        -- Held by a concurrent call (or absent): queue behind it, for at most 5 s, or less if the
        -- caller asked for less. The timeout is set here rather than on the function, whose
        -- every call would then pay for it.
        caller_lock_timeout := current_setting('lock_timeout');
        begin
            if caller_lock_timeout::interval = interval '0'
                    or caller_lock_timeout::interval > interval '5s' then
                perform set_config('lock_timeout', '5s', true);
            end if;
            perform
            from entity_workflow_instances i
            where i.tenant_id = tenant and i.id = execute_transition.instance_id
            for update of i;
        exception when lock_not_available then
            raise exception using
                errcode = 'PT503',
                message = format('workflow instance %s is busy: another transition holds it',
                                 execute_transition.instance_id),
                hint = 'Retry the request.';
        end;
        perform set_config('lock_timeout', caller_lock_timeout, true);
        -- Read again now that the lock is held: a statement that waited for a row lock sees
        -- the row's new version, but not what else its holder changed (an apply that moved
        -- the instance to another version: the transition to take is that version's).
        select i.id, i.workflow_definition_id, i.workflow_name, i.current_state, i.metadata,
            i.transition_count, i.completed_at, m.name, m.conditions, m.final, m.version
        into held
        from entity_workflow_instances i
        left join lateral (
            select t.name, t.conditions, s.final, d.version
            from workflow_transitions t
            join workflow_states s
                on s.tenant_id = t.tenant_id and s.definition_id = t.definition_id
                and s.name = t.to_state
            join workflow_definitions d
                on d.tenant_id = t.tenant_id and d.id = t.definition_id
            where t.tenant_id = i.tenant_id and t.definition_id = i.workflow_definition_id
                and t.from_state = i.current_state and t.to_state = execute_transition.to_state
            order by
                t.conditions = '{}'::jsonb
                    or cardinality(missing_fields(t.conditions, i.metadata || given_context))
                        = 0
                    desc,
                t.name
            limit 1
        ) m on true
        where i.tenant_id = tenant and i.id = execute_transition.instance_id
        for update of i;
    end if;
    if held.id is null then
        raise exception using
            errcode = 'PT404',
            message = format('unknown workflow instance %s', execute_transition.instance_id);
    end if;
    if held.completed_at is not null then
        raise exception using
            errcode = 'PT423',
            message = format('workflow instance %s finished in state %L: it accepts no transitions',
                             held.id, held.current_state);
    end if;
    if held.name is null then
        raise exception using
            errcode = 'PT400',
            message = format(
                'transition from %L to %L is not allowed in workflow %s (allowed: %s)',
                held.current_state, execute_transition.to_state, held.workflow_name,
                coalesce(
                    (
                        select string_agg(distinct quote_literal(t.to_state), ', ')
                        from workflow_transitions t
                        where t.tenant_id = tenant
                            and t.definition_id = held.workflow_definition_id
                            and t.from_state = held.current_state
                    ),
                    'none'
                )
            );
    end if;
    -- Fail closed: a condition this runtime does not know is never taken as met.
    if held.conditions - 'field_required' <> '{}'::jsonb then
        raise exception using
            errcode = 'PT412',
            message = format('transition %L has conditions this runtime does not support: %s',
                             held.name, held.conditions - 'field_required');
    end if;
    if held.conditions <> '{}'::jsonb then
        missing := missing_fields(held.conditions, held.metadata || given_context);
    end if;
    if cardinality(missing) > 0 then
        raise exception using
            errcode = 'PT412',
            message = format('condition not met for transition %L: %s required',
                             held.name, array_to_string(missing, ', ')),
            hint = 'Put the fields in the instance metadata or in the context of the call.';
    end if;

    with moved as (
        update entity_workflow_instances i
        set current_state = execute_transition.to_state,
            transition_count = i.transition_count + 1,
            updated_at = now(),
            completed_at = case when held.final then now() end
        where i.tenant_id = tenant and i.id = held.id
        returning i.*
    ), recorded as (
        insert into workflow_transition_history (
            tenant_id, instance_id, sequence, from_state, to_state, transition_name,
            executed_by, subject, notes, context
        )
        select tenant, moved.id, moved.transition_count, held.current_state, moved.current_state,
            held.name, execute_transition.executed_by, current_actor(), execute_transition.notes,
            given_context
        from moved
    )
    select moved.* into instance from moved;
    return (
        instance.id, instance.workflow_definition_id, instance.workflow_name, held.version,
        instance.entity_table, instance.entity_id, instance.current_state, instance.metadata,
        instance.created_at, instance.updated_at, instance.completed_at
    );
end
$body$;
