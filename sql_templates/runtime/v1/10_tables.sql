-- create the schemas (private tables; api for PostgREST), the tables and their indexes
{% set s = schema | ident -%}
create schema {{ s }};
create schema {{ api | ident }};

create table {{ s }}.runtime_versions (
    version integer primary key,
    installed_at timestamptz not null default now(),
    installed_by text not null default current_user
);

create table {{ s }}.tenants (
    id uuid primary key default gen_random_uuid(),
    slug text not null unique check (slug <> ''),
    name text not null,
    created_at timestamptz not null default now()
);

-- One row per applied version; immutable once written, except for retired_at.
create table {{ s }}.workflow_definitions (
    tenant_id uuid not null references {{ s }}.tenants (id),
    id uuid not null default gen_random_uuid(),
    name text not null,
    version text not null,
    revision integer not null check (revision > 0),
    content_hash text not null,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    created_by text not null default current_user,
    retired_at timestamptz,
    primary key (tenant_id, id),
    unique (tenant_id, name, version),
    unique (tenant_id, name, revision),
    -- lets heads and instances reference a definition together with its name
    unique (tenant_id, id, name)
);

create table {{ s }}.workflow_states (
    tenant_id uuid not null,
    definition_id uuid not null,
    name text not null,
    initial boolean not null default false,
    final boolean not null default false,
    metadata jsonb not null default '{}',
    primary key (tenant_id, definition_id, name),
    foreign key (tenant_id, definition_id) references {{ s }}.workflow_definitions (tenant_id, id)
);

create table {{ s }}.workflow_transitions (
    tenant_id uuid not null,
    definition_id uuid not null,
    from_state text not null,
    name text not null,
    to_state text not null,
    conditions jsonb not null default '{}' check (jsonb_typeof(conditions) = 'object'),
    context jsonb not null default '{}',
    metadata jsonb not null default '{}',
    primary key (tenant_id, definition_id, from_state, name),
    foreign key (tenant_id, definition_id, from_state)
        references {{ s }}.workflow_states (tenant_id, definition_id, name),
    foreign key (tenant_id, definition_id, to_state)
        references {{ s }}.workflow_states (tenant_id, definition_id, name)
);
-- execute_transition's lookup: from the current state to the requested one
create index workflow_transitions_move
    on {{ s }}.workflow_transitions (tenant_id, definition_id, from_state, to_state);

-- Which version start_workflow(name) uses: written by apply (create, new version, rollback).
create table {{ s }}.workflow_heads (
    tenant_id uuid not null,
    name text not null,
    definition_id uuid not null,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, name),
    foreign key (tenant_id, definition_id, name)
        references {{ s }}.workflow_definitions (tenant_id, id, name)
);

-- The frontier table. current_state is deliberately not indexed, so that a transition is a HOT
-- update; fillfactor leaves room on the page for it.
create table {{ s }}.entity_workflow_instances (
    tenant_id uuid not null,
    id uuid not null default gen_random_uuid(),
    workflow_definition_id uuid not null,
    workflow_name text not null,
    entity_table text not null check (entity_table <> ''),
    entity_id text not null check (entity_id <> ''),
    current_state text not null,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    transition_count integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    completed_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, workflow_definition_id, workflow_name)
        references {{ s }}.workflow_definitions (tenant_id, id, name)
) with (fillfactor = 80);
create unique index entity_workflow_instances_one_running
    on {{ s }}.entity_workflow_instances (tenant_id, workflow_name, entity_table, entity_id)
    where completed_at is null;
-- GET /entity_workflows?entity_table=eq.x&entity_id=eq.y, finished instances included
create index entity_workflow_instances_entity
    on {{ s }}.entity_workflow_instances (tenant_id, entity_table, entity_id);

-- The audit trail. sequence numbers an instance's moves (0 is its start): the primary key makes
-- a fork impossible, and it orders history where executed_at (a transaction's start) cannot. id is
-- for API clients; it is not indexed, which saves an index insert on every transition.
create table {{ s }}.workflow_transition_history (
    tenant_id uuid not null,
    id uuid not null default gen_random_uuid(),
    instance_id uuid not null,
    sequence integer not null check (sequence >= 0),
    from_state text,
    to_state text not null,
    transition_name text,
    executed_by text not null,
    notes text,
    context jsonb not null default '{}' check (jsonb_typeof(context) = 'object'),
    executed_at timestamptz not null default now(),
    primary key (tenant_id, instance_id, sequence),
    foreign key (tenant_id, instance_id)
        references {{ s }}.entity_workflow_instances (tenant_id, id)
);

create table {{ s }}.deployments (
    tenant_id uuid not null references {{ s }}.tenants (id),
    id uuid not null default gen_random_uuid(),
    applied_at timestamptz not null default now(),
    actor text not null,
    git_commit text,
    plan_hash text not null,
    summary jsonb not null default '{}',
    primary key (tenant_id, id)
);
create index deployments_applied_at on {{ s }}.deployments (tenant_id, applied_at);
