-- list_indexes.py's data: one tenant, 10 workflows, 1,000,000 instances (see its docstring).
insert into pypgflow.tenants (id, slug, name) values ('b0000000-0000-4000-8000-000000000001', 'bench', 'bench');
insert into pypgflow.workflow_definitions (tenant_id, id, name, version, revision, content_hash)
select (select id from pypgflow.tenants where slug = 'bench'), ('c0000000-0000-4000-8000-00000000000' || w)::uuid, 'wf_' || w, '1', 1, 'x'
from generate_series(0, 9) w;
insert into pypgflow.workflow_states (tenant_id, definition_id, name, initial, final)
select (select id from pypgflow.tenants where slug = 'bench'), d.id, s.name, s.name = 'working', s.name = 'done'
from pypgflow.workflow_definitions d,
     (values ('working'), ('investigating'), ('done')) s(name);
insert into pypgflow.workflow_transitions (tenant_id, definition_id, from_state, name, to_state)
select (select id from pypgflow.tenants where slug = 'bench'), d.id, 'working', 'tick', 'working' from pypgflow.workflow_definitions d;
insert into pypgflow.entity_workflow_instances
    (tenant_id, id, workflow_definition_id, workflow_name, entity_table, entity_id,
     current_state, created_at, updated_at, completed_at)
select (select id from pypgflow.tenants where slug = 'bench'),
       ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       ('c0000000-0000-4000-8000-00000000000' || n % 10)::uuid, 'wf_' || n % 10,
       'things', n::text, state,
       at - interval '1 day', at, case when state = 'done' then at end
from generate_series(1, 1000000) n
cross join lateral (
    select case when n <= 100000 then 'working'
                when n % 5 = 0 then 'investigating'
                when n % 3 = 0 then 'done'
                else 'working' end as state,
           now() - (random() * interval '365 days') as at
) x;
