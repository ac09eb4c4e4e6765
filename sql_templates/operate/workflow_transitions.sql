-- the transitions of one version
select * from {{ api | ident }}.workflow_transitions
where workflow_definition_id = %(id)s
order by from_state, name
