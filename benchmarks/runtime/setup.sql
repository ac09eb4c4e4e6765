-- Benchmark data, on top of an installed runtime: one tenant, a workflow whose only transition
-- loops on its state (so every call is allowed), 100,000 running instances with ids derived from
-- 1..100000, and the baseline: equivalent tables with no checks, no RLS, no triggers.
insert into pypgflow.tenants (id, slug, name)
values ('b0000000-0000-4000-8000-000000000001', 'bench', 'bench');

insert into pypgflow.workflow_definitions (tenant_id, id, name, version, revision, content_hash)
values ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002',
        'bench', '1', 1, 'bench');
insert into pypgflow.workflow_states (tenant_id, definition_id, name, initial, final)
values ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002',
        'working', true, false);
insert into pypgflow.workflow_transitions (tenant_id, definition_id, from_state, name, to_state)
values ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002',
        'working', 'tick', 'working');

insert into pypgflow.entity_workflow_instances
    (tenant_id, id, workflow_definition_id, workflow_name, entity_table, entity_id, current_state)
select 'b0000000-0000-4000-8000-000000000001',
       ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       'b0000000-0000-4000-8000-000000000002', 'bench', 'things', n::text, 'working'
from generate_series(1, 100000) as n;

create schema baseline;
create table baseline.instances (
    tenant_id uuid not null,
    id uuid primary key,
    workflow_definition_id uuid not null,
    workflow_name text not null,
    entity_table text not null,
    entity_id text not null,
    current_state text not null,
    metadata jsonb not null default '{}',
    transition_count integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    completed_at timestamptz
) with (fillfactor = 80);
create table baseline.history (
    tenant_id uuid not null,
    id uuid primary key default gen_random_uuid(),
    instance_id uuid not null,
    sequence integer not null,
    from_state text,
    to_state text not null,
    transition_name text,
    executed_by text not null,
    notes text,
    context jsonb not null default '{}',
    executed_at timestamptz not null default now()
);
insert into baseline.instances
select tenant_id, id, workflow_definition_id, workflow_name, entity_table, entity_id,
       current_state, metadata, transition_count, created_at, updated_at, completed_at
from pypgflow.entity_workflow_instances;

-- The baseline runs behind PostgREST's preamble too, as pypgflow_authenticated.
grant usage on schema baseline to pypgflow_authenticated;
grant select, update on baseline.instances to pypgflow_authenticated;
grant insert on baseline.history to pypgflow_authenticated;
