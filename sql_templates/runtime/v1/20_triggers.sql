-- add triggers: applied definitions, states and transitions are immutable; updated_at is kept
{% set s = schema | ident -%}
create function {{ s }}.refuse_change_of_applied_definition() returns trigger
language plpgsql
as $body$
begin
    if tg_op = 'UPDATE' and tg_table_name = 'workflow_definitions'
        and to_jsonb(new) - 'retired_at' = to_jsonb(old) - 'retired_at' then
        return new;
    end if;
    raise exception using
        errcode = 'PF001',
        message = format('%s on %s refused: applied workflow definitions are immutable',
                         tg_op, tg_table_name),
        hint = 'Apply a new version instead; only retired_at of a definition may change.';
end
$body$;

{% for table in ["workflow_definitions", "workflow_states", "workflow_transitions"] %}
create trigger immutable_rows before update or delete on {{ s }}.{{ table | ident }}
    for each row execute function {{ s }}.refuse_change_of_applied_definition();
create trigger immutable_table before truncate on {{ s }}.{{ table | ident }}
    for each statement execute function {{ s }}.refuse_change_of_applied_definition();
{% endfor %}

create function {{ s }}.touch_updated_at() returns trigger
language plpgsql
as $body$
begin
    new.updated_at := now();
    return new;
end
$body$;

-- An update that sets updated_at itself (execute_transition does) skips the function call.
create trigger touch_updated_at before update on {{ s }}.entity_workflow_instances
    for each row when (new.updated_at is not distinct from old.updated_at)
    execute function {{ s }}.touch_updated_at();
