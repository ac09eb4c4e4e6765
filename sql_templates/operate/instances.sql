-- the tenant's instances, newest first; a null filter matches everything
select * from {{ api | ident }}.entity_workflows
where (%(workflow)s::text is null or workflow_name = %(workflow)s)
    and (%(state)s::text is null or current_state = %(state)s)
    and (%(entity_table)s::text is null or entity_table = %(entity_table)s)
    and (%(entity_id)s::text is null or entity_id = %(entity_id)s)
    and (%(completed)s::boolean is null or (completed_at is not null) = %(completed)s)
order by created_at desc, id
limit %(limit)s
