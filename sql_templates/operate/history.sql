-- an instance's audit trail, in sequence order (0 is its start)
select * from {{ api | ident }}.workflow_history
where entity_workflow_instance_id = %(id)s
order by sequence
