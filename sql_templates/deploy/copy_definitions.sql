copy {{ schema | ident }}.workflow_definitions
    (tenant_id, id, name, version, revision, content_hash, metadata, created_by)
from stdin
