-- the engine takes wildcard transitions and enforces the condition language (field_required, field_equals, field_in, field_min, field_max)
{% set s = schema | ident -%}
{% set a = api | ident -%}
{% set owner = owner_role | ident -%}
-- Bodies name no schema (see v1/50_engine.sql): they run under the api functions' pinned
-- search_path.

-- The conditions of `conditions` that `facts` (an instance's metadata || a call's context) does
-- not meet, as a JSON array of {"condition", "field", "reason"} in the order of condition and
-- field; [] when all hold. Fail closed: a condition kind this runtime does not know, or a
-- condition of a shape it does not expect, is never met.
--   field_required: a key or a list of keys    present
--   field_equals: {key: scalar}                present and equal
--   field_in: {key: [scalar, ...]}             present and equal to one of them
--   field_min / field_max: {key: number}       present, a JSON number, >= / <= it
create function {{ s }}.unmet_conditions(conditions jsonb, facts jsonb) returns jsonb
language plpgsql
immutable
as $body$
declare
    unmet jsonb := '[]';
    condition record;
    rule record;
    found jsonb;
begin
    for condition in select c.key, c.value from jsonb_each(conditions) c order by c.key loop
        if condition.key = 'field_required' then
            if jsonb_typeof(condition.value) = 'string' then
                condition.value := jsonb_build_array(condition.value);
            end if;
            if jsonb_typeof(condition.value) <> 'array' or exists (
                select from jsonb_array_elements(condition.value) f where jsonb_typeof(f) <> 'string'
            ) then
                unmet := unmet || jsonb_build_object(
                    'condition', condition.key, 'field', null, 'reason', 'malformed condition');
                continue;
            end if;
            unmet := unmet || coalesce(
                (
                    select jsonb_agg(
                        jsonb_build_object('condition', condition.key, 'field', f, 'reason', 'missing')
                        order by f)
                    from jsonb_array_elements_text(condition.value) f
                    where not facts ? f
                ),
                '[]'
            );
        elsif condition.key in ('field_equals', 'field_in', 'field_min', 'field_max') then
            if jsonb_typeof(condition.value) <> 'object' then
                unmet := unmet || jsonb_build_object(
                    'condition', condition.key, 'field', null, 'reason', 'malformed condition');
                continue;
            end if;
            for rule in select r.key, r.value from jsonb_each(condition.value) r order by r.key loop
                found := facts -> rule.key;
                if (case condition.key
                    when 'field_equals' then jsonb_typeof(rule.value) in ('object', 'array')
                    when 'field_in' then jsonb_typeof(rule.value) <> 'array' or exists (
                        select from jsonb_array_elements(rule.value) v
                        where jsonb_typeof(v) in ('object', 'array'))
                    else jsonb_typeof(rule.value) <> 'number'
                end) then
                    unmet := unmet || jsonb_build_object(
                        'condition', condition.key, 'field', rule.key,
                        'reason', 'malformed condition');
                elsif found is null then
                    unmet := unmet || jsonb_build_object(
                        'condition', condition.key, 'field', rule.key, 'reason', 'missing');
                elsif (case condition.key
                    when 'field_equals' then found <> rule.value
                    when 'field_in' then not exists (
                        select from jsonb_array_elements(rule.value) v where v = found)
                    when 'field_min' then jsonb_typeof(found) <> 'number'
                        or found::numeric < rule.value::numeric
                    else jsonb_typeof(found) <> 'number' or found::numeric > rule.value::numeric
                end) then
                    unmet := unmet || jsonb_build_object(
                        'condition', condition.key, 'field', rule.key,
                        'reason', format('found %s, expected %s', found,
                            case condition.key
                                when 'field_equals' then rule.value::text
                                when 'field_in' then 'one of ' || rule.value::text
                                when 'field_min' then 'a number at least ' || rule.value::text
                                else 'a number at most ' || rule.value::text
                            end));
                end if;
            end loop;
        else
            unmet := unmet || jsonb_build_object(
                'condition', condition.key, 'field', null,
                'reason', 'not a condition this runtime knows');
        end if;
    end loop;
    return unmet;
end
$body$;

-- One line for a refusal: the unmet conditions of `unmet_conditions`, each naming its condition
-- and field. Missing required fields keep version 1's words ("amount, currency required").
create function {{ s }}.describe_unmet(unmet jsonb) returns text
language sql
immutable
return concat_ws(
    '; ',
    (
        select string_agg(u.item ->> 'field', ', ' order by u.n) || ' required'
        from jsonb_array_elements(unmet) with ordinality as u (item, n)
        where u.item ->> 'condition' = 'field_required' and u.item ->> 'reason' = 'missing'
    ),
    (
        select string_agg(
            format('%s%s: %s', u.item ->> 'condition', ' ' || (u.item ->> 'field'),
                   u.item ->> 'reason'),
            '; ' order by u.n)
        from jsonb_array_elements(unmet) with ordinality as u (item, n)
        where not (u.item ->> 'condition' = 'field_required' and u.item ->> 'reason' = 'missing')
    )
);

-- Moves an instance along a transition it may take in its pinned version: one declared from its
-- current state, or a wildcard (no source state) to another state. When several lead to
-- `to_state`: those whose conditions hold first, then declared before wildcard, then by name.
-- FOR UPDATE serializes concurrent calls on one instance (bounded by lock_timeout: then PT503);
-- the history's (instance, sequence) key is the backstop against a fork. In the common case two
-- statements: the locked instance with the transition to take, then the update and its history
-- row; each table a statement names costs an evaluation of the tenant (row-level security).
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
    tenant uuid := current_tenant_id();
    given_context jsonb := coalesce(execute_transition.context, '{}');
    caller_lock_timeout text;
    held record;  -- the locked instance, with the transition to take
    instance entity_workflow_instances;
begin
    -- One test for the common case, then which one failed, in the order of version 2.
    if tenant is null or execute_transition.instance_id is null
            or execute_transition.to_state is null or execute_transition.executed_by is null
            or jsonb_typeof(given_context) <> 'object'
            or octet_length(execute_transition.executed_by) > 1000
            or octet_length(execute_transition.notes) > 10000
            or pg_column_size(given_context) > 65536 then
        if tenant is null then
            perform require_tenant();
        elsif execute_transition.instance_id is null then
            raise exception using errcode = '22004', message = 'instance_id is required';
        elsif execute_transition.to_state is null then
            raise exception using errcode = '22004', message = 'to_state is required';
        elsif execute_transition.executed_by is null then
            raise exception using errcode = '22004', message = 'executed_by is required';
        elsif jsonb_typeof(given_context) <> 'object' then
            raise exception using errcode = '22023', message = 'context must be a JSON object';
        elsif octet_length(execute_transition.executed_by) > 1000 then
            raise exception using
                errcode = 'PT413', message = 'executed_by is limited to 1000 bytes';
        elsif octet_length(execute_transition.notes) > 10000 then
            raise exception using errcode = 'PT413', message = 'notes are limited to 10000 bytes';
        else
            raise exception using
                errcode = 'PT413', message = 'context is limited to 65536 bytes';
        end if;
    end if;

    -- The common case, an instance nobody else holds: locked without a wait or a subtransaction,
    -- with the transition to take. Else (held by a concurrent call, absent, or no transition to
    -- take) queue behind it, for at most 5 s, or less if the caller asked for less (set here
    -- rather than on the function, whose every call would then pay for it), and read it again.
    for attempt in 1..2 loop
        select i.id, i.workflow_definition_id, i.workflow_name, i.current_state, i.metadata,
            i.transition_count, i.completed_at, t.name, t.conditions, s.final, d.version,
            t.conditions = '{}'::jsonb
                or unmet_conditions(t.conditions, i.metadata || given_context) = '[]'::jsonb
                as met
        into held
        from entity_workflow_instances i
        join workflow_transitions t
            on t.tenant_id = i.tenant_id and t.definition_id = i.workflow_definition_id
            and t.to_state = execute_transition.to_state
            and (t.from_state = i.current_state
                or t.from_state is null and t.to_state <> i.current_state)
        join workflow_states s
            on s.tenant_id = t.tenant_id and s.definition_id = t.definition_id
            and s.name = t.to_state
        join workflow_definitions d on d.tenant_id = t.tenant_id and d.id = t.definition_id
        where i.tenant_id = tenant and i.id = execute_transition.instance_id
        order by 12 desc, t.from_state is null, t.name
        limit 1
        for update of i skip locked;
        exit when found or attempt = 2;
        caller_lock_timeout := current_setting('lock_timeout');
        begin
            if caller_lock_timeout::interval = interval '0'
                    or caller_lock_timeout::interval > interval '5s' then
                perform set_config('lock_timeout', '5s', true);
            end if;
            perform
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
    end loop;
    if held.id is null then  -- why: no such instance, or no transition to take from its state
        select i.id, i.workflow_definition_id, i.workflow_name, i.current_state, i.metadata,
            i.transition_count, i.completed_at, null::text as name, null::jsonb as conditions,
            null::boolean as final, null::text as version, null::boolean as met
        into held
        from entity_workflow_instances i
        where i.tenant_id = tenant and i.id = execute_transition.instance_id;
        if not found then
            raise exception using
                errcode = 'PT404',
                message = format('unknown workflow instance %s', execute_transition.instance_id);
        end if;
    end if;
    if held.completed_at is not null then
        raise exception using
            errcode = 'PT423',
            message = format('workflow instance %s finished in state %L: it accepts no transitions',
                             execute_transition.instance_id, held.current_state);
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
                            and (t.from_state = held.current_state
                                or t.from_state is null and t.to_state <> held.current_state)
                    ),
                    'none'
                )
            );
    end if;
    if not held.met then
        raise exception using
            errcode = 'PT412',
            message = format(
                'condition not met for transition %L: %s', held.name,
                describe_unmet(unmet_conditions(held.conditions, held.metadata || given_context))
            ),
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

comment on function {{ a }}.execute_transition(uuid, text, text, text, jsonb) is $$Move an instance to another state
Takes a transition to to_state that the instance may take (declared from its current state, or a
wildcard from any other state) whose conditions hold (those first, then declared before wildcard,
then by name), records it in the history and returns the instance. Errors: PT400 not allowed,
PT404 unknown instance, PT412 a condition is not met (the message names each condition and field),
PT413 an argument over its size limit, PT423 finished, PT503 busy (retry), 22004 a required
argument is null, 22023 context is not an object.$$;
comment on column {{ a }}.workflow_transitions.from_state is 'The state it leaves; null for a wildcard (from: "*"), which leaves any state of a running instance but its own target.';
comment on column {{ a }}.workflow_transitions.conditions is 'What must hold, judged on the instance metadata merged with the call''s context: field_required (keys present), field_equals, field_in, field_min, field_max; a kind the runtime does not know is never met.';

drop function {{ s }}.missing_fields(jsonb, jsonb);
revoke execute on function
    {{ s }}.unmet_conditions(jsonb, jsonb), {{ s }}.describe_unmet(jsonb) from public;
grant execute on function
    {{ s }}.unmet_conditions(jsonb, jsonb), {{ s }}.describe_unmet(jsonb) to {{ owner }};
