select id from {{ schema | ident }}.tenants where slug = %(tenant)s
