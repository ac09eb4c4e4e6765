-- grant the api to the authenticated role (read-only tables, writes only through functions); nothing to anon
{% set s = schema | ident -%}
{% set a = api | ident -%}
{% set authenticated = authenticated_role | ident -%}
revoke all on schema {{ s }} from public;
revoke all on schema {{ a }} from public;
-- Functions are executable by PUBLIC by default: take that back before granting.
revoke execute on all functions in schema {{ s }} from public;
revoke execute on all functions in schema {{ a }} from public;

grant usage on schema {{ a }} to {{ authenticated }};
grant select on all tables in schema {{ a }} to {{ authenticated }};
grant execute on function
    {{ a }}.start_workflow(text, text, text, jsonb),
    {{ a }}.start_workflow_by_id(uuid, text, text, jsonb),
    {{ a }}.execute_transition(uuid, text, text, text, jsonb)
    to {{ authenticated }};

-- The views run with the caller's rights, so the caller reads the tables (row-level security
-- limits it to its tenant) and evaluates the policies' tenant function.
grant usage on schema {{ s }} to {{ authenticated }};
grant select on
    {{ s }}.tenants, {{ s }}.workflow_definitions, {{ s }}.workflow_states,
    {{ s }}.workflow_transitions, {{ s }}.workflow_heads, {{ s }}.entity_workflow_instances,
    {{ s }}.workflow_transition_history, {{ s }}.deployments
    to {{ authenticated }};
grant execute on function {{ s }}.current_tenant_id() to {{ authenticated }};
