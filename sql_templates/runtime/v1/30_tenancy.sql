-- isolate tenants: row-level security, enabled and forced on every table, with a restrictive guard
{% set s = schema | ident -%}
-- The caller's tenant: PostgREST's JWT claim, else the pypgflow.tenant_id setting. An empty
-- string counts as none: a pooled session returns '' once a local setting has ended.
create function {{ s }}.current_tenant_id() returns uuid
language sql
stable
parallel safe
as $body$
    select coalesce(
        nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'tenant_id', ''),
        nullif(current_setting('pypgflow.tenant_id', true), '')
    )::uuid
$body$;

{% for table in [
    "tenants", "workflow_definitions", "workflow_states", "workflow_transitions", "workflow_heads",
    "entity_workflow_instances", "workflow_transition_history", "deployments"] %}
{% set key = "id" if table == "tenants" else "tenant_id" %}
alter table {{ s }}.{{ table | ident }} enable row level security;
alter table {{ s }}.{{ table | ident }} force row level security;
-- Restrictive: a permissive policy added later can never widen access beyond the tenant. The
-- sub-select makes the tenant an init-plan, evaluated once per statement, not once per row.
create policy tenant_guard on {{ s }}.{{ table | ident }} as restrictive for all to public
    using ({{ key | ident }} = (select {{ s }}.current_tenant_id()))
    with check ({{ key | ident }} = (select {{ s }}.current_tenant_id()));
create policy tenant_rows on {{ s }}.{{ table | ident }} as permissive for all to public
    using (true) with check (true);
{% endfor %}

-- Not tenant data: only its owner has privileges on it. Forced RLS with an open policy keeps a
-- non-superuser owner able to read and record versions.
alter table {{ s }}.runtime_versions enable row level security;
alter table {{ s }}.runtime_versions force row level security;
create policy owner_rows on {{ s }}.runtime_versions for all to public using (true) with check (true);
