-- POST /rpc/execute_transition
select * from {{ api | ident }}.execute_transition(
    instance_id => %(instance)s,
    to_state => %(to_state)s,
    executed_by => %(executed_by)s,
    notes => %(notes)s,
    context => %(context)s
)
