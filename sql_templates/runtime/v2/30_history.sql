-- the history records the authenticated subject beside the caller-claimed executed_by
{% set s = schema | ident -%}
{% set a = api | ident -%}
-- NULL in the rows written before runtime version 2 (their start's executed_by was the subject).
alter table {{ s }}.workflow_transition_history add column subject text;

create or replace view {{ a }}.workflow_history with (security_invoker = true) as
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
    h.executed_at,
    h.subject
from {{ s }}.workflow_transition_history h;
