-- record each definition's number of states and transitions, and stamp a definition whose rows are changed, deleted or added to in any session mode
{% set s = schema | ident -%}
-- A plan proves an old version untouched without reading its rows (docs/plan-apply.md, "Drift"):
-- the definition row is still the one an apply wrote (its xmin), and any update or delete of a
-- state or transition, and any insert beyond the counts its definition records, stamps that
-- definition (a new xmin), in every session mode: replica mode, which skips the immutability
-- triggers, fires these too.
-- Null: not recorded (a definition inserted by hand, not by an apply), which proves nothing.
alter table {{ s }}.workflow_definitions
    add column state_count integer,
    add column transition_count integer,
    add constraint workflow_definitions_counts_check
        check (state_count >= 0 and transition_count >= 0);

-- Versions applied before: their counts from their rows, past the immutability guard (which
-- refuses any change but retired_at): one update of each definition, its rows counted on the
-- keys' indexes.
alter table {{ s }}.workflow_definitions disable trigger immutable_rows;
update {{ s }}.workflow_definitions d
set state_count = (
        select count(*) from {{ s }}.workflow_states r
        where r.tenant_id = d.tenant_id and r.definition_id = d.id
    ),
    transition_count = (
        select count(*) from {{ s }}.workflow_transitions r
        where r.tenant_id = d.tenant_id and r.definition_id = d.id
    );
alter table {{ s }}.workflow_definitions enable trigger immutable_rows;

-- Touches the definition row (retired_at set to itself, which the guard lets through): its xmin
-- is then no apply's, and the next plan reads the version in full and reports its drift.
create function {{ s }}.stamp_changed_definition() returns trigger
language plpgsql
set search_path = {{ s }}, pg_temp
as $body$
begin
    update workflow_definitions d
    set retired_at = d.retired_at
    where d.tenant_id = old.tenant_id and d.id = old.definition_id;
    return null;
end
$body$;

-- After an insert into states or transitions (a statement, with its new rows): stamps each
-- definition that now has more rows than it records, as one inserted by hand into an applied
-- version has. An apply's own rows match the counts it wrote with their definition.
create function {{ s }}.stamp_grown_definition() returns trigger
language plpgsql
set search_path = {{ s }}, pg_temp
as $body$
begin
    if tg_table_name = 'workflow_states' then
        update workflow_definitions d
        set retired_at = d.retired_at
        from (select distinct tenant_id, definition_id from added) a
        where d.tenant_id = a.tenant_id and d.id = a.definition_id
            and d.state_count < (
                select count(*) from workflow_states r
                where r.tenant_id = d.tenant_id and r.definition_id = d.id
            );
    else
        update workflow_definitions d
        set retired_at = d.retired_at
        from (select distinct tenant_id, definition_id from added) a
        where d.tenant_id = a.tenant_id and d.id = a.definition_id
            and d.transition_count < (
                select count(*) from workflow_transitions r
                where r.tenant_id = d.tenant_id and r.definition_id = d.id
            );
    end if;
    return null;
end
$body$;

-- Enabled ALWAYS: replica mode fires them too. Disabling and enabling one again rewrites its
-- catalog row (a new xmin), which the plan checks against the upgrade's (live_definitions.sql).
{% for table in ["workflow_states", "workflow_transitions"] %}
create trigger stamp_changed_definition after update or delete on {{ s }}.{{ table | ident }}
    for each row execute function {{ s }}.stamp_changed_definition();
alter table {{ s }}.{{ table | ident }} enable always trigger stamp_changed_definition;
create trigger stamp_grown_definition after insert on {{ s }}.{{ table | ident }}
    referencing new table as added
    for each statement execute function {{ s }}.stamp_grown_definition();
alter table {{ s }}.{{ table | ident }} enable always trigger stamp_grown_definition;
{% endfor %}
