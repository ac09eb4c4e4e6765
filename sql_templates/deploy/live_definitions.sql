-- The applied versions a plan decides with, one row each, without their states and transitions:
-- their recorded counts, whether every one of them is still the row that the version's apply
-- wrote (intact), whether it is its workflow's head (the version new instances start on), and
-- whether the plan needs it (needed). With %(every)s: every version (export and diagrams read
-- them all). Otherwise the versions needed:
-- - the head;
-- - the newest version where it is not the head: the active one when there is no head, else the
--   one a rollback went back from, which the next revision is numbered after;
-- - the repository's versions, %(names)s[i] with %(versions)s[i];
-- and any version that is not intact, to be read and checked for drift. Any other version is
-- old and proven untouched: it is not sent, so neither the server nor the client does more
-- than this one pass per version of history (issue 11).
-- Intact is proven without reading the rows:
-- 1. the definition row (which records the content hash and the counts) was last written by one
--    of the tenant's applies, or by the upgrade to runtime version 3 that counted the rows of the
--    versions applied before it: its xmin is theirs. A change by hand gives it another;
-- 2. the triggers that stamp a definition (a new xmin, see 1) when one of its rows is updated or
--    deleted, or a row is added beyond its counts, are enabled in every session mode (replica
--    mode included), and have been since a runtime upgrade (3 or later) created them: disabling and
--    enabling one again gives its catalog row another xmin.
-- When 2 does not hold, and only then, the rows are counted per version and checked to be written
-- by an apply, in one pass over each table for the whole tenant (the one-time filter on `proven`
-- skips the pass otherwise): a version is intact if its counts are still the recorded ones and no
-- row has another transaction's xmin.
with tenant as (select id from {{ schema | ident }}.tenants where slug = %(tenant)s),
applies as (
    select array(
        select p.xmin from {{ schema | ident }}.deployments p
        where p.tenant_id = (select id from tenant)
    ) as xmins
),
writers as (  -- of definition rows: the applies, and the upgrade that counted older versions
    select (select xmins from applies) || array(
        select v.xmin from {{ schema | ident }}.runtime_versions v where v.version = 3
    ) as xmins
),
definitions as (
    select d.*, d.xmin = any((select xmins from writers)::xid[]) as written_by_apply
    from {{ schema | ident }}.workflow_definitions d
    where d.tenant_id = (select id from tenant)
),
proven as (
    select count(*) = 4 as ok
    from pg_catalog.pg_trigger t
    join pg_catalog.pg_class c on c.oid = t.tgrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = %(schema)s and c.relname in ('workflow_states', 'workflow_transitions')
        and t.tgname in ('stamp_changed_definition', 'stamp_grown_definition')
        and t.tgenabled = 'A'
        and t.xmin = any(
            array(select v.xmin from {{ schema | ident }}.runtime_versions v where v.version >= 3)
        )
),
rows as (
    select definition_id, sum(states) as states, sum(transitions) as transitions,
        bool_and(by_apply) as by_apply
    from (
        select definition_id, count(*) as states, 0 as transitions,
            bool_and(xmin = any(a.xmins)) as by_apply
        from {{ schema | ident }}.workflow_states, applies a
        where tenant_id = (select id from tenant) and not (select ok from proven)
        group by definition_id
        union all
        select definition_id, 0, count(*), bool_and(xmin = any(a.xmins))
        from {{ schema | ident }}.workflow_transitions, applies a
        where tenant_id = (select id from tenant) and not (select ok from proven)
        group by definition_id
    ) as each_table
    group by definition_id
),
wanted as (
    select * from unnest(%(names)s::text[], %(versions)s::text[]) as w (name, version)
),
heads as (
    select h.name, h.definition_id, d.revision
    from {{ schema | ident }}.workflow_heads h
    join {{ schema | ident }}.workflow_definitions d
        on d.tenant_id = h.tenant_id and d.id = h.definition_id
    where h.tenant_id = (select id from tenant)
),
summaries as (
    select
        d.id,
        d.name,
        d.version,
        d.revision,
        d.content_hash,
        d.retired_at is not null as retired,
        d.state_count,
        d.transition_count,
        coalesce(
            d.written_by_apply and (
                (select ok from proven) or (
                    coalesce(r.states, 0) = d.state_count
                    and coalesce(r.transitions, 0) = d.transition_count
                    and coalesce(r.by_apply, true)
                )
            ),
            false
        ) as intact,
        coalesce(d.id = h.definition_id, false) as head,
        h.revision as head_revision
    from definitions d
    left join rows r on r.definition_id = d.id
    left join heads h on h.name = d.name
),
decided as (
    select s.*, (
        s.head
        or (s.name, s.version) in (select name, version from wanted)
        or (
            (s.head_revision is null or s.revision > s.head_revision)
            and not exists (
                select from {{ schema | ident }}.workflow_definitions n
                where n.tenant_id = (select id from tenant) and n.name = s.name
                    and n.revision > s.revision
            )
        )
    ) as needed
    from summaries s
)
select
    id, name, version, revision, content_hash, retired, state_count, transition_count, intact,
    head, needed
from decided
where %(every)s or needed or not intact
