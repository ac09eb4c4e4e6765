-- transitions may come from any state: `from: "*"` is stored with no source state (from_state null)
{% set s = schema | ident -%}
-- A wildcard transition may be taken from every non-final state other than its own target
-- (README, "Workflow files"). One key still names each transition: a null source counts as one
-- value, so two wildcards of one name collide as two transitions of one name from one state do.
alter table {{ s }}.workflow_transitions drop constraint workflow_transitions_pkey;
alter table {{ s }}.workflow_transitions alter column from_state drop not null;
alter table {{ s }}.workflow_transitions
    add constraint workflow_transitions_source_name_key
    unique nulls not distinct (tenant_id, definition_id, from_state, name);
