-- every applied version of the caller's tenant, as GET /workflows
select * from {{ api | ident }}.workflows order by name, revision
