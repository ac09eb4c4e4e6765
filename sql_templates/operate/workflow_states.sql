-- the states of one version, the initial ones first
select * from {{ api | ident }}.workflow_states
where workflow_definition_id = %(id)s
order by initial desc, final, name
