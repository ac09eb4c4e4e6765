-- Every version of the workflow: neither start_workflow nor start_workflow_by_id may use it.
update {{ schema | ident }}.workflow_definitions
set retired_at = now()
where tenant_id = %(tenant_id)s and name = any(%(names)s::text[]) and retired_at is null
