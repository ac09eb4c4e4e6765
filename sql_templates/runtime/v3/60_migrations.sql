-- deployments count the running instances they moved
{% set s = schema | ident -%}
-- apply moves the running instances a workflow file's `migrate:` section lists (docs/plan-apply.md,
-- "Moving running instances") and records how many here. A constant default: no table rewrite.
alter table {{ s }}.deployments add column instances_migrated integer not null default 0;
alter table {{ s }}.deployments
    add constraint deployments_instances_migrated_check check (instances_migrated >= 0);
