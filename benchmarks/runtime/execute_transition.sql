-- One PostgREST request: POST /rpc/execute_transition (role and claims set as PostgREST 12 does).
\set n random(1, 100000)
BEGIN;
SELECT set_config('role', 'pypgflow_authenticated', true),
       set_config('request.jwt.claims', '{"role": "pypgflow_authenticated", "sub": "bench", "tenant_id": "b0000000-0000-4000-8000-000000000001"}', true);
SELECT id, current_state FROM api.execute_transition(('00000000-0000-4000-8000-' || lpad(to_hex(:n::integer), 12, '0'))::uuid, 'working', 'bench');
END;
