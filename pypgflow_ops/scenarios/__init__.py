"""Scenario tests: journeys through a workflow, declared in `*.scenarios.yaml` beside it, checked
statically by lint and run by `pypgflow-ops test` against the real runtime, then rolled back."""
