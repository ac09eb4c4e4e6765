-- One row per applied version, without its states and transitions: their counts, and whether
-- every one of them is still the row version that the apply wrote (same transaction id as the
-- definition row, which is an apply's: the one that recorded a deployment). A row changed, added
-- or re-added by hand since carries another xmin; so does the definition row when all of them
-- were rewritten by hand in one transaction, which then recorded no deployment.
select
    d.id,
    d.name,
    d.version,
    d.revision,
    d.content_hash,
    d.retired_at is not null as retired,
    s.total as states,
    t.total as transitions,
    s.intact and t.intact and d.xmin in (
        select p.xmin
        from {{ schema | ident }}.deployments p
        where p.tenant_id = (select id from {{ schema | ident }}.tenants where slug = %(tenant)s)
    ) as intact
from {{ schema | ident }}.workflow_definitions d
cross join lateral (
    select count(*) as total, coalesce(bool_and(s.xmin = d.xmin), true) as intact
    from {{ schema | ident }}.workflow_states s
    where s.tenant_id = d.tenant_id and s.definition_id = d.id
) s
cross join lateral (
    select count(*) as total, coalesce(bool_and(t.xmin = d.xmin), true) as intact
    from {{ schema | ident }}.workflow_transitions t
    where t.tenant_id = d.tenant_id and t.definition_id = d.id
) t
where d.tenant_id = (select id from {{ schema | ident }}.tenants where slug = %(tenant)s)
