-- one instance, if the tenant has it
select * from {{ api | ident }}.entity_workflows where id = %(id)s
