copy {{ schema | ident }}.workflow_transitions
    (tenant_id, definition_id, from_state, to_state, name, conditions, context, metadata)
from stdin
