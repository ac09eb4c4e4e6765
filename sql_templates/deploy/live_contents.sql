-- The full content of the given versions, states and transitions aggregated into json so that
-- Python parses one document per version instead of one value per row.
select
    d.id,
    d.metadata,
    (
        select coalesce(json_agg(json_build_array(s.name, s.initial, s.final, s.metadata)), '[]')
        from {{ schema | ident }}.workflow_states s
        where s.tenant_id = d.tenant_id and s.definition_id = d.id
    ) as states,
    (
        select coalesce(
            json_agg(
                json_build_array(
                    t.from_state, t.to_state, t.name, t.conditions, t.context, t.metadata
                )
            ),
            '[]'
        )
        from {{ schema | ident }}.workflow_transitions t
        where t.tenant_id = d.tenant_id and t.definition_id = d.id
    ) as transitions
from {{ schema | ident }}.workflow_definitions d
where d.tenant_id = (select id from {{ schema | ident }}.tenants where slug = %(tenant)s)
    and d.id = any(%(ids)s::uuid[])
