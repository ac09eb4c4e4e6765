-- create the engine: api.start_workflow, api.start_workflow_by_id and api.execute_transition
{% set s = schema | ident -%}
{% set a = api | ident -%}
-- The api functions are SECURITY DEFINER, so that clients change instances only through them.
-- Each pins search_path with pg_temp last (a temporary table must not shadow ours) and filters by
-- the caller's tenant explicitly: an owner that bypasses row-level security still sees one tenant.
-- Bodies name no schema: they rely on the pinned search_path, so no identifier is rendered into a
-- dollar-quoted body. Parameters keep the seed's names and are always qualified by the function's
-- name, since several of them are also column names.

-- Called only from the functions below, whose pinned search_path it runs under: without a SET
-- clause of its own, the call costs no settings save and restore.
create function {{ s }}.require_tenant() returns uuid
language plpgsql
stable
as $body$
declare
    tenant uuid := current_tenant_id();
begin
    if tenant is null then
        raise exception using
            errcode = 'PT403',
            message = 'no tenant: the request carries no tenant_id',
            hint = 'Send a JWT with a tenant_id claim, or set pypgflow.tenant_id.';
    end if;
    return tenant;
end
$body$;

-- Who starts an instance: the JWT's subject, else the session user (not the definer).
create function {{ s }}.current_actor() returns text
language sql
stable
as $body$
    select coalesce(
        nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', ''),
        session_user::text
    )
$body$;

-- The field names a transition's conditions require that `available` does not have.
create function {{ s }}.missing_fields(conditions jsonb, available jsonb) returns text[]
language sql
immutable
as $body$
    select coalesce(array_agg(required.field order by required.field), '{}')
    from jsonb_array_elements_text(
        case jsonb_typeof(conditions -> 'field_required')
            when 'string' then jsonb_build_array(conditions -> 'field_required')
            when 'array' then conditions -> 'field_required'
            else '[]'::jsonb
        end
    ) as required (field)
    where not available ? required.field
$body$;

create function {{ s }}.start_instance(
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
    if coalesce(target_table, '') = '' or coalesce(target_id, '') = '' then
        raise exception using
            errcode = '22023', message = 'entity_table and entity_id must be non-empty text';
    end if;
    if jsonb_typeof(coalesce(initial_metadata, '{}')) <> 'object' then
        raise exception using errcode = '22023', message = 'metadata must be a JSON object';
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
        tenant_id, instance_id, sequence, to_state, executed_by
    )
    values (tenant, instance.id, 0, instance.current_state, current_actor());
    return (
        instance.id, instance.workflow_definition_id, instance.workflow_name, definition.version,
        instance.entity_table, instance.entity_id, instance.current_state, instance.metadata,
        instance.created_at, instance.updated_at, instance.completed_at
    );
end
$body$;

-- Starts the name's active version: the head that the last apply set, else the newest revision.
create function {{ a }}.start_workflow(
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

create function {{ a }}.start_workflow_by_id(
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
-- the history's (instance, sequence) key is the backstop against a fork.
create function {{ a }}.execute_transition(
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
    instance entity_workflow_instances;
    move record;
    missing text[] := '{}';
begin
    if execute_transition.to_state is null or execute_transition.executed_by is null then
        raise exception using
            errcode = '22004', message = 'to_state and executed_by are required';
    end if;
    if jsonb_typeof(given_context) <> 'object' then
        raise exception using errcode = '22023', message = 'context must be a JSON object';
    end if;

    -- The common case, an instance nobody else holds: locked without a wait or a subtransaction.
    select i.* into instance
    from entity_workflow_instances i
    where i.tenant_id = tenant and i.id = execute_transition.instance_id
    for update skip locked;
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
            select i.* into instance
            from entity_workflow_instances i
            where i.tenant_id = tenant and i.id = execute_transition.instance_id
            for update;
        exception when lock_not_available then
            raise exception using
                errcode = 'PT503',
                message = format('workflow instance %s is busy: another transition holds it',
                                 execute_transition.instance_id),
                hint = 'Retry the request.';
        end;
        perform set_config('lock_timeout', caller_lock_timeout, true);
    end if;
    if instance.id is null then
        raise exception using
            errcode = 'PT404',
            message = format('unknown workflow instance %s', execute_transition.instance_id);
    end if;
    if instance.completed_at is not null then
        raise exception using
            errcode = 'PT423',
            message = format('workflow instance %s finished in state %L: it accepts no transitions',
                             instance.id, instance.current_state);
    end if;

    -- Parallel transitions to one state: take one whose conditions hold, else report the first.
    select t.name, t.conditions, s.final, d.version into move
    from workflow_transitions t
    join workflow_states s
        on s.tenant_id = t.tenant_id and s.definition_id = t.definition_id and s.name = t.to_state
    join workflow_definitions d on d.tenant_id = t.tenant_id and d.id = t.definition_id
    where t.tenant_id = tenant and t.definition_id = instance.workflow_definition_id
        and t.from_state = instance.current_state and t.to_state = execute_transition.to_state
    order by
        t.conditions = '{}'::jsonb
            or cardinality(missing_fields(t.conditions, instance.metadata || given_context)) = 0
            desc,
        t.name
    limit 1;
    if not found then
        raise exception using
            errcode = 'PT400',
            message = format(
                'transition from %L to %L is not allowed in workflow %s (allowed: %s)',
                instance.current_state, execute_transition.to_state, instance.workflow_name,
                coalesce(
                    (
                        select string_agg(distinct quote_literal(t.to_state), ', ')
                        from workflow_transitions t
                        where t.tenant_id = tenant
                            and t.definition_id = instance.workflow_definition_id
                            and t.from_state = instance.current_state
                    ),
                    'none'
                )
            );
    end if;
    -- Fail closed: a condition this runtime does not know is never taken as met.
    if move.conditions - 'field_required' <> '{}'::jsonb then
        raise exception using
            errcode = 'PT412',
            message = format('transition %L has conditions this runtime does not support: %s',
                             move.name, move.conditions - 'field_required');
    end if;
    if move.conditions <> '{}'::jsonb then
        missing := missing_fields(move.conditions, instance.metadata || given_context);
    end if;
    if cardinality(missing) > 0 then
        raise exception using
            errcode = 'PT412',
            message = format('condition not met for transition %L: %s required',
                             move.name, array_to_string(missing, ', ')),
            hint = 'Put the fields in the instance metadata or in the context of the call.';
    end if;

    insert into workflow_transition_history (
        tenant_id, instance_id, sequence, from_state, to_state, transition_name, executed_by,
        notes, context
    )
    values (
        tenant, instance.id, instance.transition_count + 1, instance.current_state,
        execute_transition.to_state, move.name, execute_transition.executed_by,
        execute_transition.notes, given_context
    );
    update entity_workflow_instances i
    set current_state = execute_transition.to_state,
        transition_count = i.transition_count + 1,
        updated_at = now(),
        completed_at = case when move.final then now() end
    where i.tenant_id = tenant and i.id = instance.id
    returning i.* into instance;
    return (
        instance.id, instance.workflow_definition_id, instance.workflow_name, move.version,
        instance.entity_table, instance.entity_id, instance.current_state, instance.metadata,
        instance.created_at, instance.updated_at, instance.completed_at
    );
end
$body$;
