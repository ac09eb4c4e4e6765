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

-- The tenant the session names itself: PostgREST's JWT claim, else the pypgflow.tenant_id
-- setting (an empty string counts as none: a pooled session returns '' once a local setting has
-- ended); NULL for a member of `bound_group` (whose binding decides). No pinned search_path (a
-- settings change in each of the policies' evaluations is what made version 2 slow), so every
-- name in it is qualified, operators included: the caller's search_path cannot change what it
-- calls. The membership is read from the backend's role cache.
create function {{ s }}.claimed_tenant_id(bound_group name) returns uuid
language plpgsql
stable
parallel safe
as $body$
declare
    claimed pg_catalog.text;
begin
    if pg_catalog.pg_has_role(session_user, bound_group, 'member') then
        return null;
    end if;
    claimed := pg_catalog.current_setting('request.jwt.claims', true);
    if claimed operator(pg_catalog.<>) '' then
        claimed := claimed::pg_catalog.jsonb operator(pg_catalog.->>) 'tenant_id';
    end if;
    if claimed is null or claimed operator(pg_catalog.=) '' then
        claimed := pg_catalog.current_setting('pypgflow.tenant_id', true);
    end if;
    if claimed operator(pg_catalog.=) '' then
        return null;
    end if;
    return claimed::pg_catalog.uuid;
end
$body$;

-- The caller's tenant: for a tenant-bound role its binding, which no claim or setting overrides;
-- else the tenant it names. `db grant-tenant` makes every bound role a member of the bound
-- group, so for the roles that name their tenant themselves (PostgREST's authenticator and
-- services trusted like it) this is one call without a lookup; members (and superusers, members
-- of every role) look their binding up, and name their tenant only without one. session_user,
-- not current_user: SET ROLE changes the latter, and SECURITY DEFINER functions run as their
-- owner. A standard SQL body (names bound when created), which the planner inlines into each
-- policy's init-plan as these calls.
create or replace function {{ s }}.current_tenant_id() returns uuid
language sql
stable
parallel safe
return coalesce(
    {{ s }}.claimed_tenant_id({{ bound_role | literal }}),
    {{ s }}.session_binding(),
    {{ s }}.claimed_tenant_id(null)
);

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

revoke execute on function
    {{ s }}.session_binding(), {{ s }}.claimed_tenant_id(name) from public;
grant execute on function
    {{ s }}.session_binding(), {{ s }}.claimed_tenant_id(name) to {{ owner }}, {{ authenticated }};
