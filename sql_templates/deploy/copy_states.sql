copy {{ schema | ident }}.workflow_states (tenant_id, definition_id, name, initial, final, metadata)
from stdin
