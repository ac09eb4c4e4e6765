-- The minimal baseline: one UPDATE of an instance row and one INSERT of a history row, behind the
-- same PostgREST preamble as execute_transition.sql.
\set n random(1, 100000)
BEGIN;
SELECT set_config('role', 'pypgflow_authenticated', true),
       set_config('request.jwt.claims', '{"role": "pypgflow_authenticated", "sub": "bench", "tenant_id": "b0000000-0000-4000-8000-000000000001"}', true);
UPDATE baseline.instances SET current_state = 'working', transition_count = transition_count + 1, updated_at = now() WHERE id = ('00000000-0000-4000-8000-' || lpad(to_hex(:n::integer), 12, '0'))::uuid;
INSERT INTO baseline.history (tenant_id, instance_id, sequence, from_state, to_state, transition_name, executed_by) VALUES ('b0000000-0000-4000-8000-000000000001', ('00000000-0000-4000-8000-' || lpad(to_hex(:n::integer), 12, '0'))::uuid, 1, 'working', 'working', 'tick', 'bench');
END;
