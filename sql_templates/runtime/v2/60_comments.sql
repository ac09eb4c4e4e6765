-- describe every api view, column and function (PostgREST shows them in its OpenAPI document)
{% set a = api | ident -%}
-- PostgREST takes a comment's first line as the summary, the rest as the description.
comment on view {{ a }}.workflows is $$Applied workflow versions of your tenant
One row per version that apply wrote; a version is immutable once applied. `active` marks the
version that start_workflow uses.$$;
comment on column {{ a }}.workflows.id is 'The version''s id: start_workflow_by_id takes it.';
comment on column {{ a }}.workflows.name is 'The workflow''s name, as in its file.';
comment on column {{ a }}.workflows.version is 'The version, as in its file (text).';
comment on column {{ a }}.workflows.revision is 'Order of application of the name''s versions: 1, 2, ...';
comment on column {{ a }}.workflows.content_hash is 'Hash of the version''s content, taken by the tool.';
comment on column {{ a }}.workflows.metadata is 'The workflow''s metadata (a JSON object).';
comment on column {{ a }}.workflows.created_at is 'When apply wrote the version.';
comment on column {{ a }}.workflows.created_by is 'The database role that applied the version.';
comment on column {{ a }}.workflows.retired_at is 'When the workflow was retired (apply --prune); a retired version cannot be started.';
comment on column {{ a }}.workflows.active is 'Whether start_workflow(name) starts this version; never true for a retired one.';

comment on view {{ a }}.workflow_states is $$States of the applied workflow versions
One row per state of each version.$$;
comment on column {{ a }}.workflow_states.workflow_definition_id is 'The version''s id (workflows.id).';
comment on column {{ a }}.workflow_states.workflow_name is 'The workflow''s name.';
comment on column {{ a }}.workflow_states.version is 'The workflow''s version.';
comment on column {{ a }}.workflow_states.name is 'The state''s name.';
comment on column {{ a }}.workflow_states.initial is 'Whether instances start in this state.';
comment on column {{ a }}.workflow_states.final is 'Whether entering this state finishes the instance.';
comment on column {{ a }}.workflow_states.metadata is 'The state''s metadata (display name, colour, ...).';

comment on view {{ a }}.workflow_transitions is $$Transitions of the applied workflow versions
One row per declared transition; execute_transition allows only these.$$;
comment on column {{ a }}.workflow_transitions.workflow_definition_id is 'The version''s id (workflows.id).';
comment on column {{ a }}.workflow_transitions.workflow_name is 'The workflow''s name.';
comment on column {{ a }}.workflow_transitions.version is 'The workflow''s version.';
comment on column {{ a }}.workflow_transitions.name is 'The transition''s name.';
comment on column {{ a }}.workflow_transitions.from_state is 'The state it leaves.';
comment on column {{ a }}.workflow_transitions.to_state is 'The state it enters.';
comment on column {{ a }}.workflow_transitions.conditions is 'What must hold: field_required names keys the instance metadata or the call''s context must have.';
comment on column {{ a }}.workflow_transitions.context is 'Free-form information for the application; stored, not checked.';
comment on column {{ a }}.workflow_transitions.metadata is 'The transition''s metadata.';

comment on view {{ a }}.entity_workflows is $$Workflow instances of your tenant
One row per instance, running or finished; change them only through the rpc functions.$$;
comment on column {{ a }}.entity_workflows.id is 'The instance''s id: execute_transition takes it.';
comment on column {{ a }}.entity_workflows.workflow_definition_id is 'The version the instance runs (workflows.id), pinned at its start.';
comment on column {{ a }}.entity_workflows.workflow_name is 'The workflow''s name.';
comment on column {{ a }}.entity_workflows.version is 'The version the instance runs.';
comment on column {{ a }}.entity_workflows.entity_table is 'What kind of thing the instance is about (the caller''s name for it).';
comment on column {{ a }}.entity_workflows.entity_id is 'Which thing the instance is about.';
comment on column {{ a }}.entity_workflows.current_state is 'The state the instance is in.';
comment on column {{ a }}.entity_workflows.metadata is 'The metadata given at the start (a JSON object).';
comment on column {{ a }}.entity_workflows.created_at is 'When the instance was started.';
comment on column {{ a }}.entity_workflows.updated_at is 'When the instance last changed.';
comment on column {{ a }}.entity_workflows.completed_at is 'When the instance entered a final state; null while it runs.';

comment on view {{ a }}.workflow_history is $$The audit trail of your tenant's instances
One row per start (sequence 0) and per move, in order of sequence.$$;
comment on column {{ a }}.workflow_history.id is 'The history row''s id.';
comment on column {{ a }}.workflow_history.entity_workflow_instance_id is 'The instance (entity_workflows.id).';
comment on column {{ a }}.workflow_history.sequence is 'The move''s number in its instance: 0 is the start.';
comment on column {{ a }}.workflow_history.from_state is 'The state left; null for the start.';
comment on column {{ a }}.workflow_history.to_state is 'The state entered.';
comment on column {{ a }}.workflow_history.transition_name is 'The transition taken; null for the start.';
comment on column {{ a }}.workflow_history.executed_by is 'Who the caller said did it (execute_transition''s executed_by); for the start, the subject.';
comment on column {{ a }}.workflow_history.notes is 'The call''s notes.';
comment on column {{ a }}.workflow_history.context is 'The call''s context (a JSON object).';
comment on column {{ a }}.workflow_history.executed_at is 'When the transaction that made the move started.';
comment on column {{ a }}.workflow_history.subject is 'Who was authenticated: the JWT''s sub, else the database session user; a tenant-bound role is itself. Null in rows written before runtime version 2.';

comment on function {{ a }}.start_workflow(text, text, text, jsonb) is $$Start a workflow on an entity
Starts the name's active version (the head apply set, else the newest revision) and returns the
new instance. Errors: PT409 the entity already runs the workflow, PT410 retired, PT422 unknown
workflow, PT413 an argument over its size limit, 22004 a required argument is null, 22023 a blank
entity or metadata that is not an object.$$;
comment on function {{ a }}.start_workflow_by_id(uuid, text, text, jsonb) is $$Start a given workflow version on an entity
Like start_workflow, pinned to the version workflow_definition_id (workflows.id).$$;
comment on function {{ a }}.execute_transition(uuid, text, text, text, jsonb) is $$Move an instance to another state
Takes a transition declared from the current state to to_state whose conditions hold, records it
in the history and returns the instance. Errors: PT400 not allowed, PT404 unknown instance, PT412
a condition is not met, PT413 an argument over its size limit, PT423 finished, PT503 busy (retry),
22004 a required argument is null, 22023 context is not an object.$$;
