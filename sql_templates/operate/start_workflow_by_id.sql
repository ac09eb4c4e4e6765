-- POST /rpc/start_workflow_by_id
select * from {{ api | ident }}.start_workflow_by_id(
    workflow_definition_id => %(workflow_id)s,
    entity_table => %(entity_table)s,
    entity_id => %(entity_id)s,
    metadata => %(metadata)s
)
