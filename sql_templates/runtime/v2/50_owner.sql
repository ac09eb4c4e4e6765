-- the second wall: the api functions belong to a role that row-level security binds, with only the privileges they need
{% set s = schema | ident -%}
{% set a = api | ident -%}
{% set owner = owner_role | ident -%}
{% set authenticated = authenticated_role | ident -%}
-- The owner role is NOLOGIN, neither superuser nor BYPASSRLS (created so by the tool; `db status`
-- checks it). The functions run as it, so forced row-level security filters every row they read
-- or write by the caller's tenant, whatever their own predicates say.
grant usage on schema {{ s }} to {{ owner }};
grant select on
    {{ s }}.workflow_definitions, {{ s }}.workflow_states, {{ s }}.workflow_transitions,
    {{ s }}.workflow_heads, {{ s }}.tenant_roles
    to {{ owner }};
-- SELECT ... FOR UPDATE needs UPDATE on a column; the start inserts, the move updates these.
grant select,
    insert (tenant_id, workflow_definition_id, workflow_name, entity_table, entity_id,
            current_state, metadata, completed_at),
    update (current_state, transition_count, updated_at, completed_at)
    on {{ s }}.entity_workflow_instances to {{ owner }};
grant insert (tenant_id, instance_id, sequence, from_state, to_state, transition_name,
              executed_by, subject, notes, context)
    on {{ s }}.workflow_transition_history to {{ owner }};
grant execute on function
    {{ s }}.current_tenant_id(), {{ s }}.require_tenant(), {{ s }}.current_actor(),
    {{ s }}.missing_fields(jsonb, jsonb),
    {{ s }}.start_instance(uuid, {{ s }}.workflow_definitions, text, text, jsonb)
    to {{ owner }};

-- A non-superuser may give a function to a role only if that role may create in its schema.
grant create on schema {{ a }} to {{ owner }};
alter function {{ a }}.start_workflow(text, text, text, jsonb) owner to {{ owner }};
alter function {{ a }}.start_workflow_by_id(uuid, text, text, jsonb) owner to {{ owner }};
alter function {{ a }}.execute_transition(uuid, text, text, text, jsonb) owner to {{ owner }};
revoke create on schema {{ a }} from {{ owner }};

-- The tenant function reads the caller's own binding (its policy shows no other row).
grant select on {{ s }}.tenant_roles to {{ authenticated }};

-- Functions the owner role creates are not executable by PUBLIC. (Functions the installer
-- creates in a later version are covered by the upgrade itself, which revokes PUBLIC's EXECUTE
-- on every function of both schemas after each version: a per-schema default cannot revoke.)
alter default privileges for role {{ owner }} revoke execute on functions from public;
