-- keep a checksum of every applied step, so an edited released step cannot diverge silently
{% set s = schema | ident -%}
create table {{ s }}.runtime_steps (
    version integer not null,
    template text not null,
    checksum text not null,
    recorded_at timestamptz not null default now(),
    constraint runtime_steps_pkey primary key (version, template),
    constraint runtime_steps_checksum_sha256 check (checksum ~ '^[0-9a-f]{64}$')
);
-- Not tenant data, like runtime_versions: only its owner has privileges on it.
alter table {{ s }}.runtime_steps enable row level security;
alter table {{ s }}.runtime_steps force row level security;
create policy owner_rows on {{ s }}.runtime_steps for all to public using (true) with check (true);
