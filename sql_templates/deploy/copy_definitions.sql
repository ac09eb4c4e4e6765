copy {{ schema | ident }}.workflow_definitions
    (tenant_id, id, name, version, revision, content_hash, metadata, created_by, state_count,
    transition_count)
from stdin
