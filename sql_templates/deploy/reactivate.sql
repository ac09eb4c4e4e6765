update {{ schema | ident }}.workflow_definitions d
set retired_at = null
from unnest(%(names)s::text[], %(versions)s::text[]) as w (name, version)
where d.tenant_id = %(tenant_id)s and d.name = w.name and d.version = w.version
    and d.retired_at is not null
