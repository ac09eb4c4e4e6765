-- POST /rpc/start_workflow
select * from {{ api | ident }}.start_workflow(
    workflow_name => %(workflow)s,
    entity_table => %(entity_table)s,
    entity_id => %(entity_id)s,
    metadata => %(metadata)s
)
