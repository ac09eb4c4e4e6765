-- Who holds the deploy lock of a tenant (pg_locks shows the two int4 keys as oids).
select a.pid, a.usename, a.application_name, a.client_addr::text, a.xact_start
from pg_locks l
join pg_stat_activity a on a.pid = l.pid
where l.locktype = 'advisory' and l.granted and l.objsubid = 2
    and l.classid = %(class_key)s::oid and l.objid = %(object_key)s::oid
    and l.database = (select oid from pg_database where datname = current_database())
