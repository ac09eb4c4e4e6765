with created as (
    insert into {{ schema | ident }}.tenants (slug, name)
    values (%(tenant)s, %(tenant)s)
    on conflict (slug) do nothing
    returning id
)
select id from created
union all
select id from {{ schema | ident }}.tenants where slug = %(tenant)s
