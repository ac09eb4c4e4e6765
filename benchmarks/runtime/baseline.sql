-- The minimal baseline: one UPDATE of an instance row and one INSERT of a history row.
\set n random(1, 100000)
BEGIN;
UPDATE baseline.instances SET current_state = 'working', transition_count = transition_count + 1, updated_at = now() WHERE id = ('00000000-0000-4000-8000-' || lpad(to_hex(:n), 12, '0'))::uuid;
INSERT INTO baseline.history (tenant_id, instance_id, sequence, from_state, to_state, transition_name, executed_by) VALUES ('b0000000-0000-4000-8000-000000000001', ('00000000-0000-4000-8000-' || lpad(to_hex(:n), 12, '0'))::uuid, 1, 'working', 'working', 'tick', 'bench');
END;
