select current_user, rolsuper or rolbypassrls from pg_catalog.pg_roles where rolname = current_user
