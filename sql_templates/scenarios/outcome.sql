select
    i.current_state,
    i.completed_at is not null,
    (
        select coalesce(
            json_agg(json_build_array(h.from_state, h.transition_name, h.to_state) order by h.sequence),
            '[]'
        )
        from {{ api | ident }}.workflow_history h
        where h.entity_workflow_instance_id = i.id
    )
from {{ api | ident }}.entity_workflows i
where i.id = %(instance)s
