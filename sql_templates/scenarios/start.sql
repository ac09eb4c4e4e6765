select id from {{ api | ident }}.start_workflow(%(workflow)s, %(entity_table)s, %(entity_id)s, %(metadata)s)
