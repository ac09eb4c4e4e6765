-- One row per applied version, without its states and transitions: their counts, and whether
-- every one of them is still the row version that the apply wrote (same transaction id as the
-- definition row, which is an apply's: the one that recorded a deployment). A row changed, added
-- or re-added by hand since carries another xmin; so does the definition row when all of them
-- were rewritten by hand in one transaction, which then recorded no deployment.
-- The rows are counted per version and transaction id in one pass over each table for the whole
-- tenant, not by two index probes per version: half the cost at 5,000 versions, and no row
-- leaves the server.
with tenant as (select id from {{ schema | ident }}.tenants where slug = %(tenant)s),
rows as (
    select definition_id, xmin, count(*) as states, 0 as transitions
    from {{ schema | ident }}.workflow_states
    where tenant_id = (select id from tenant)
    group by definition_id, xmin
    union all
    select definition_id, xmin, 0, count(*)
    from {{ schema | ident }}.workflow_transitions
    where tenant_id = (select id from tenant)
    group by definition_id, xmin
)
select
    d.id,
    d.name,
    d.version,
    d.revision,
    d.content_hash,
    d.retired_at is not null as retired,
    coalesce(sum(r.states), 0)::bigint as states,
    coalesce(sum(r.transitions), 0)::bigint as transitions,
    coalesce(bool_and(r.xmin = d.xmin), true) and d.xmin = any(array(
        select p.xmin from {{ schema | ident }}.deployments p where p.tenant_id = (select id from tenant)
    )) as intact
from {{ schema | ident }}.workflow_definitions d
left join rows r on r.definition_id = d.id
where d.tenant_id = (select id from tenant)
group by d.tenant_id, d.id
