-- The runtime's safety objects as (object, fact) rows: schemas, tables and views, column
-- privileges, policies, functions (with their bodies), triggers, roles and default privileges.
-- Roles are named by what they are to the runtime ({installer}, {owner}, ...), so that facts read
-- the same in every database; db/integrity.py turns schema names into {schema} and {api}.
-- Privileges of other roles are left out: the database's administrators grant them (row-level
-- security binds those roles too, unless they bypass it, when privileges hardly matter).
-- Run with search_path = pg_catalog, so that expressions name every schema.
with spaces as (
    select n.oid, n.nspname, n.nspowner, n.nspacl,
        case n.nspname when %(schema)s then '{schema}' else '{api}' end as label
    from pg_namespace n
    where n.nspname in (%(schema)s, %(api)s)
),
installer as (
    select n.nspowner as oid from pg_namespace n where n.nspname = %(schema)s
),
role_label (oid, label) as (
    select r.oid,
        case
            when r.rolname = %(owner)s then '{owner}'
            when r.rolname = %(authenticated)s then '{authenticated}'
            when r.rolname = %(anon)s then '{anon}'
            when r.oid = (select oid from installer) then '{installer}'
            else r.rolname
        end
    from pg_roles r
    union all
    select 0, 'PUBLIC'
),
relations as (
    select c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.reloptions,
        c.relrowsecurity, c.relforcerowsecurity, s.label || '.' || c.relname as qualified
    from pg_class c
    join spaces s on s.oid = c.relnamespace
    where c.relkind in ('r', 'v', 'p', 'm', 'f', 'S')
),
functions as (
    select p.oid, p.proname, p.proowner, p.proacl, p.prosecdef, p.provolatile, p.proconfig,
        p.prosrc, p.prosqlbody, s.label || '.' || p.proname as qualified
    from pg_proc p
    join spaces s on s.oid = p.pronamespace
)
select 'schema ' || s.label,
    'owner ' || (select label from role_label where oid = s.nspowner)
    || '; privileges ' || (
        select coalesce(string_agg(g.label || '=' || a.privilege_type, ', ' order by g.label, a.privilege_type), 'none')
        from aclexplode(coalesce(s.nspacl, acldefault('n', s.nspowner))) a
        join role_label g on g.oid = a.grantee and g.label ~ '^[{P]'
    )
from spaces s
union all
select
    case r.relkind when 'r' then 'table ' when 'v' then 'view ' else 'relation ' end
        || r.qualified,
    'owner ' || (select label from role_label where oid = r.relowner)
    || case when r.relkind = 'r' then
        '; row level security ' || case when r.relrowsecurity then 'enabled' else 'disabled' end
        || ', ' || case when r.relforcerowsecurity then 'forced' else 'not forced' end
        else '' end
    || '; options ' || coalesce(array_to_string(r.reloptions, ', '), 'none')
    || '; privileges ' || (
        select coalesce(string_agg(g.label || '=' || a.privilege_type, ', ' order by g.label, a.privilege_type), 'none')
        from aclexplode(coalesce(r.relacl, acldefault('r', r.relowner))) a
        join role_label g on g.oid = a.grantee and g.label ~ '^[{P]'
    )
from relations r
union all
select 'column ' || r.qualified || '.' || att.attname,
    'privileges ' || (
        select string_agg(g.label || '=' || a.privilege_type, ', ' order by g.label, a.privilege_type)
        from aclexplode(att.attacl) a
        join role_label g on g.oid = a.grantee and g.label ~ '^[{P]'
    )
from relations r
join pg_attribute att on att.attrelid = r.oid
where att.attacl is not null and att.attnum > 0 and not att.attisdropped
union all
select 'policy ' || p.polname || ' on ' || r.qualified,
    case when p.polpermissive then 'permissive' else 'restrictive' end
    || ' for ' || case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
        when 'd' then 'delete' else 'all' end
    || ' to ' || (
        select string_agg(g.label, ', ' order by g.label)
        from unnest(p.polroles) as pr (oid)
        join role_label g on g.oid = pr.oid
    )
    || ' using (' || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ')'
    || ' with check (' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') || ')'
from pg_policy p
join relations r on r.oid = p.polrelid
union all
select 'function ' || f.qualified || '(' || pg_get_function_identity_arguments(f.oid) || ')',
    'owner ' || (select label from role_label where oid = f.proowner)
    || case when f.prosecdef then '; security definer' else '; security invoker' end
    || '; volatility ' || f.provolatile::text
    || '; settings ' || coalesce(array_to_string(f.proconfig, ', '), 'none')
    || '; privileges ' || (
        select coalesce(string_agg(g.label || '=' || a.privilege_type, ', ' order by g.label, a.privilege_type), 'none')
        from aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
        join role_label g on g.oid = a.grantee and g.label ~ '^[{P]'
    )
    || case when f.prosqlbody is null then '; body ' || f.prosrc
        else '; sql body ' || pg_get_function_sqlbody(f.oid) end
from functions f
union all
select 'trigger ' || t.tgname || ' on ' || r.qualified,
    pg_get_triggerdef(t.oid) || '; enabled ' || t.tgenabled::text
from pg_trigger t
join relations r on r.oid = t.tgrelid
where not t.tgisinternal
union all
select 'role ' || g.label,
    case when g.label = '{owner}' then 'login ' || r.rolcanlogin || '; ' else '' end
    || 'superuser ' || r.rolsuper || '; bypassrls ' || r.rolbypassrls
from pg_roles r
join role_label g on g.oid = r.oid
where r.rolname = any(%(roles)s::text[])
union all
select 'default privileges of ' || g.label || ' in '
        || coalesce((select label from spaces where oid = d.defaclnamespace), 'every schema')
        || ' on ' || case d.defaclobjtype when 'r' then 'tables' when 'f' then 'functions'
            when 'S' then 'sequences' when 'T' then 'types' else 'schemas' end,
    'privileges ' || (
        select coalesce(string_agg(h.label || '=' || a.privilege_type, ', ' order by h.label, a.privilege_type), 'none')
        from aclexplode(d.defaclacl) a
        join role_label h on h.oid = a.grantee and h.label ~ '^[{P]'
    )
from pg_default_acl d
join role_label g on g.oid = d.defaclrole
where d.defaclnamespace in (select oid from spaces)
    or d.defaclrole = (select oid from pg_roles where rolname = %(owner)s)
