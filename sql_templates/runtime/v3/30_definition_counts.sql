-- record each definition's number of states and transitions, and stamp a definition whose rows are changed or deleted in any session mode
{% set s = schema | ident -%}
-- A plan proves an old version untouched without reading its rows (docs/plan-apply.md, "Drift"):
-- the definition row is still the one an apply wrote (its xmin), the tenant holds exactly as many
-- state and transition rows as its definitions record (an inserted or deleted row changes that),
-- and an update or delete of a state or transition stamps its definition (a new xmin), in every
-- session mode: replica mode, which skips the immutability triggers, fires these too.
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

{% for table in ["workflow_states", "workflow_transitions"] %}
create trigger stamp_changed_definition after update or delete on {{ s }}.{{ table | ident }}
    for each row execute function {{ s }}.stamp_changed_definition();
alter table {{ s }}.{{ table | ident }} enable always trigger stamp_changed_definition;
{% endfor %}
