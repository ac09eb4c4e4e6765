insert into {{ schema | ident }}.deployments (tenant_id, actor, git_commit, plan_hash, summary)
values (%(tenant_id)s, %(actor)s, %(git_commit)s, %(plan_hash)s, %(summary)s)
returning id
