select current_state from {{ api | ident }}.execute_transition(%(instance)s, %(to)s, %(by)s, null, %(context)s)
