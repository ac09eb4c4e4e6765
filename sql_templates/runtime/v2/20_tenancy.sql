-- tenant-bound login roles: their tenant comes from a mapping only the owner writes; slugs as the CLI checks them
{% set s = schema | ident -%}
-- The CLI's pattern (pypgflow_ops/deploy/tenant.py); the upgrade reports rows that break it first.
alter table {{ s }}.tenants
    add constraint tenants_slug_pattern check (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$');

-- A role is bound by its oid, so renaming it keeps the binding. Written only by the tool
-- (`db grant-tenant`, `db revoke-tenant`): nobody else has any write privilege, and no policy
-- allows a write.
create table {{ s }}.tenant_roles (
    role_id oid not null,
    tenant_id uuid not null,
    granted_at timestamptz not null default now(),
    granted_by text not null default current_user,
    constraint tenant_roles_pkey primary key (role_id),
    constraint tenant_roles_tenant_id_fkey foreign key (tenant_id) references {{ s }}.tenants (id)
);
alter table {{ s }}.tenant_roles enable row level security;
alter table {{ s }}.tenant_roles force row level security;
-- A session reads its own binding, nothing else.
create policy own_binding on {{ s }}.tenant_roles for select to public
    using (role_id = to_regrole(quote_ident(session_user::text))::oid);

-- The caller's tenant: the session user's binding, which no setting can override; else PostgREST's
-- JWT claim, else the pypgflow.tenant_id setting (an empty string counts as none: a pooled session
-- returns '' once a local setting has ended). session_user, not current_user: SET ROLE changes the
-- latter, and SECURITY DEFINER functions run as their owner. PL/pgSQL keeps the lookup's plan for
-- the session (a SQL function would plan it again in every statement whose policy calls it).
create or replace function {{ s }}.current_tenant_id() returns uuid
language plpgsql
stable
parallel safe
set search_path = {{ s }}, pg_temp
as $body$
declare
    bound uuid;
begin
    select b.tenant_id into bound
    from tenant_roles b
    where b.role_id = to_regrole(quote_ident(session_user::text))::oid;
    return coalesce(
        bound,
        coalesce(
            nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'tenant_id', ''),
            nullif(current_setting('pypgflow.tenant_id', true), '')
        )::uuid
    );
end
$body$;

-- Who is authenticated: a tenant-bound role is itself; else the JWT's subject, else the session
-- user. What the history records as `subject`, beside the caller-claimed `executed_by`. Called
-- only from the api functions, under their pinned search_path (see v1's require_tenant).
create or replace function {{ s }}.current_actor() returns text
language plpgsql
stable
as $body$
begin
    if exists (
        select
        from tenant_roles b
        where b.role_id = to_regrole(quote_ident(session_user::text))::oid
    ) then
        return session_user::text;
    end if;
    return coalesce(
        nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', ''),
        session_user::text
    );
end
$body$;
