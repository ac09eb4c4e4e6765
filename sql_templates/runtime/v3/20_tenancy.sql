-- the tenant without a lookup for the roles PostgREST uses: only members of the bound-role group look up a binding
{% set s = schema | ident -%}
{% set owner = owner_role | ident -%}
{% set authenticated = authenticated_role | ident -%}
-- `db grant-tenant` makes every tenant-bound role a member of the group role `bound_role` (a
-- NOLOGIN role without privileges, created by the tool; the upgrade to version 3 makes the roles
-- bound before it members; `db status` checks that every bound role is one). Membership is read
-- from the backend's role cache (pg_has_role), so the roles that name their tenant themselves
-- (PostgREST's authenticator and services trusted like it) no longer pay for a lookup in
-- tenant_roles, nor for the settings change of a function with a pinned search_path, in each of
-- the policies' evaluations (about eight per transition).

-- The session user's binding, if it has one. PL/pgSQL keeps the lookup's plan for the session.
create function {{ s }}.session_binding() returns uuid
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
    return bound;
end
$body$;

-- A member's tenant: its binding, else (a superuser, or a member the tool did not bind) the
-- tenant it names, as below.
create function {{ s }}.member_tenant_id() returns uuid
language plpgsql
stable
parallel safe
set search_path = {{ s }}, pg_temp
as $body$
begin
    return coalesce(
        session_binding(),
        coalesce(
            nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'tenant_id', ''),
            nullif(current_setting('pypgflow.tenant_id', true), '')
        )::uuid
    );
end
$body$;

-- The caller's tenant: for a tenant-bound role its binding, which no claim or setting overrides;
-- else PostgREST's JWT claim, else the pypgflow.tenant_id setting (an empty string counts as none:
-- a pooled session returns '' once a local setting has ended). `db grant-tenant` makes every
-- bound role a member of the bound group, so only members (and superusers, members of every
-- role) look a binding up; for the roles that name their tenant themselves (PostgREST's
-- authenticator and services trusted like it) it is an expression without a lookup or a
-- settings change (a function with a pinned search_path saves and restores it at each call: what
-- made version 2 slow, eight times per transition). A standard SQL body: its names are bound when
-- it is created, whatever the caller's search_path, and the planner inlines it into each
-- policy's init-plan. session_user, not current_user: SET ROLE changes the latter, and SECURITY
-- DEFINER functions run as their owner.
create or replace function {{ s }}.current_tenant_id() returns uuid
language sql
stable
parallel safe
return case
    when pg_catalog.pg_has_role(session_user, {{ bound_role | literal }}, 'member')
        then {{ s }}.member_tenant_id()
    else coalesce(
        nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'tenant_id', ''),
        nullif(current_setting('pypgflow.tenant_id', true), '')
    )::uuid
end;

-- Who is authenticated: a tenant-bound role is itself; else the JWT's subject, else the session
-- user. What the history records as `subject`, beside the caller-claimed `executed_by`.
create or replace function {{ s }}.current_actor() returns text
language sql
stable
return case
    when pg_catalog.pg_has_role(session_user, {{ bound_role | literal }}, 'member')
            and {{ s }}.session_binding() is not null
        then session_user::text
    else coalesce(
        nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', ''),
        session_user::text
    )
end;

revoke execute on function {{ s }}.session_binding(), {{ s }}.member_tenant_id() from public;
grant execute on function {{ s }}.session_binding(), {{ s }}.member_tenant_id()
    to {{ owner }}, {{ authenticated }};
