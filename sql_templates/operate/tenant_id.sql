-- the tenant's id, read as the connecting role (it bypasses row-level security, like apply's)
select id from {{ schema | ident }}.tenants where slug = %(tenant)s
