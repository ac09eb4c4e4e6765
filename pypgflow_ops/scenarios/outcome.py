"""A test run's outcome: the results, the coverage when asked for, and the exit code."""

from __future__ import annotations

from dataclasses import dataclass

from pypgflow_ops.errors import ExitCode
from pypgflow_ops.scenarios.coverage import WorkflowCoverage
from pypgflow_ops.scenarios.results import ScenarioResult


@dataclass(frozen=True, slots=True)
class TestRun:
    results: tuple[ScenarioResult, ...]
    coverage: tuple[WorkflowCoverage, ...] | None = None  # None: not asked for
    require_all_transitions: bool = False

    __test__ = False  # not a pytest test class, whatever its name

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def untested(self) -> int:
        """Transitions no passing scenario took, counted when they make the run fail."""
        if not self.require_all_transitions or self.coverage is None:
            return 0
        return sum(len(c.untested_transitions) for c in self.coverage)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FAILURE if self.failed or self.untested else ExitCode.OK
