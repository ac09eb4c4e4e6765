-- one version of a workflow: the given one, else the active one, else the newest
select * from {{ api | ident }}.workflows
where name = %(name)s and (%(version)s::text is null or version = %(version)s)
order by active desc, revision desc
limit 1
