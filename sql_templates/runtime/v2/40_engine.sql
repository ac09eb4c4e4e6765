-- the engine checks its input: required arguments, blank entities, size limits; history records the subject
{% set s = schema | ident -%}
{% set a = api | ident -%}
-- The same functions as version 1 (bodies name no schema, see v1/50_engine.sql), with the checks
-- first. Limits (docs/runtime.md): entity_table, entity_id and executed_by at most 1,000 bytes,
-- notes 10,000 bytes, metadata and context 65,536 bytes in jsonb form; beyond them PT413.

create or replace function {{ s }}.start_instance(
    tenant uuid,
    definition {{ s }}.workflow_definitions,
    target_table text,
    target_id text,
    initial_metadata jsonb
) returns {{ a }}.entity_workflows
language plpgsql
set search_path = {{ s }}, pg_temp
as $body$
declare
    actor text := current_actor();
    initial_state workflow_states;
    instance entity_workflow_instances;
    running uuid;
begin
    if definition.retired_at is not null then
        raise exception using
            errcode = 'PT410',
            message = format('workflow %s version %s is retired: it cannot be started',
                             definition.name, definition.version),
            hint = 'Start the workflow by name, or apply a version that is not retired.';
    end if;
    if target_table is null then
        raise exception using errcode = '22004', message = 'entity_table is required';
    end if;
    if target_id is null then
        raise exception using errcode = '22004', message = 'entity_id is required';
    end if;
    if target_table !~ '\S' or target_id !~ '\S' then
        raise exception using
            errcode = '22023', message = 'entity_table and entity_id must not be blank';
    end if;
    if octet_length(target_table) > 1000 or octet_length(target_id) > 1000 then
        raise exception using
            errcode = 'PT413', message = 'entity_table and entity_id are limited to 1000 bytes';
    end if;
    if jsonb_typeof(coalesce(initial_metadata, '{}')) <> 'object' then
        raise exception using errcode = '22023', message = 'metadata must be a JSON object';
    end if;
    if pg_column_size(initial_metadata) > 65536 then
        raise exception using errcode = 'PT413', message = 'metadata is limited to 65536 bytes';
    end if;

    select s.* into initial_state
    from workflow_states s
    where s.tenant_id = tenant and s.definition_id = definition.id and s.initial
    order by s.name
    limit 1;
    if not found then
        raise exception using
            errcode = 'PF002',
            message = format('workflow %s version %s has no initial state',
                             definition.name, definition.version);
    end if;

    insert into entity_workflow_instances as i (
        tenant_id, workflow_definition_id, workflow_name, entity_table, entity_id, current_state,
        metadata, completed_at
    )
    values (
        tenant, definition.id, definition.name, target_table, target_id, initial_state.name,
        coalesce(initial_metadata, '{}'), case when initial_state.final then now() end
    )
    on conflict (tenant_id, workflow_name, entity_table, entity_id) where completed_at is null
        do nothing
    returning i.* into instance;
    if not found then
        select i.id into running
        from entity_workflow_instances i
        where i.tenant_id = tenant and i.workflow_name = definition.name
            and i.entity_table = target_table and i.entity_id = target_id
            and i.completed_at is null;
        raise exception using
            errcode = 'PT409',
            message = format('%s %s already has a running %s instance: %s',
                             target_table, target_id, definition.name, running),
            hint = 'Transition the running instance to a final state before starting another.';
    end if;

    insert into workflow_transition_history (
        tenant_id, instance_id, sequence, to_state, executed_by, subject
    )
    values (tenant, instance.id, 0, instance.current_state, actor, actor);
    return (
        instance.id, instance.workflow_definition_id, instance.workflow_name, definition.version,
        instance.entity_table, instance.entity_id, instance.current_state, instance.metadata,
        instance.created_at, instance.updated_at, instance.completed_at
    );
end
$body$;

-- Starts the name's active version: the head that the last apply set, else the newest revision.
create or replace function {{ a }}.start_workflow(
    workflow_name text, entity_table text, entity_id text, metadata jsonb default '{}'
) returns {{ a }}.entity_workflows
language plpgsql
security definer
set search_path = {{ s }}, pg_temp
as $body$
declare
    tenant uuid := require_tenant();
    definition workflow_definitions;
begin
    if start_workflow.workflow_name is null then
        raise exception using errcode = '22004', message = 'workflow_name is required';
    end if;
    select d.* into definition
    from workflow_heads h
    join workflow_definitions d on d.tenant_id = h.tenant_id and d.id = h.definition_id
    where h.tenant_id = tenant and h.name = start_workflow.workflow_name;
    if not found then
        select d.* into definition
        from workflow_definitions d
        where d.tenant_id = tenant and d.name = start_workflow.workflow_name
        order by d.revision desc
        limit 1;
    end if;
    if not found then
        raise exception using
            errcode = 'PT422',
            message = format('unknown workflow %L', start_workflow.workflow_name),
            hint = 'GET /workflows lists the workflows of your tenant.';
    end if;
    if definition.retired_at is not null then  -- start_instance's hint suits a start by id
        raise exception using
            errcode = 'PT410',
            message = format('workflow %s version %s is retired: it cannot be started',
                             definition.name, definition.version),
            hint = 'The workflow is retired: apply it again to start new instances.';
    end if;
    return start_instance(
        tenant, definition, start_workflow.entity_table, start_workflow.entity_id,
        start_workflow.metadata
    );
end
$body$;

create or replace function {{ a }}.start_workflow_by_id(
    workflow_definition_id uuid, entity_table text, entity_id text, metadata jsonb default '{}'
) returns {{ a }}.entity_workflows
language plpgsql
security definer
set search_path = {{ s }}, pg_temp
as $body$
declare
    tenant uuid := require_tenant();
    definition workflow_definitions;
begin
    if start_workflow_by_id.workflow_definition_id is null then
        raise exception using errcode = '22004', message = 'workflow_definition_id is required';
    end if;
    select d.* into definition
    from workflow_definitions d
    where d.tenant_id = tenant and d.id = start_workflow_by_id.workflow_definition_id;
    if not found then
        raise exception using
            errcode = 'PT422',
            message = format('unknown workflow definition %s',
                             start_workflow_by_id.workflow_definition_id),
            hint = 'GET /workflows lists the workflow definitions of your tenant.';
    end if;
    return start_instance(
        tenant, definition, start_workflow_by_id.entity_table, start_workflow_by_id.entity_id,
        start_workflow_by_id.metadata
    );
end
$body$;

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
        exception when lock_not_available then
            raise exception using
                errcode = 'PT503',
                message = format('workflow instance %s is busy: another transition holds it',
                                 execute_transition.instance_id),
                hint = 'Retry the request.';
        end;
        perform set_config('lock_timeout', caller_lock_timeout, true);
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
