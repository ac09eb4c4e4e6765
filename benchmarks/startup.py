"""Start-up as pre-commit users wait for it: one small file linted by the hook, beside `python -c
pass`, in one run (the commands alternate, so a busy machine slows them alike).

    python benchmarks/startup.py [--runs 20] [--file workflows/expense_approval.yaml]
                                 [--baseline REV]

It makes a throwaway git repository whose .pre-commit-config.yaml points at this checkout's HEAD,
lets pre-commit install the hook's environment once (not timed), then times, in that
environment: `python -c pass`, the hook's entry (`pypgflow-ops lint FILE`), and `pre-commit run
pypgflow-ops-lint --files FILE` (pre-commit's own start-up included). With `--baseline REV`, the
hook's entry installed from that commit too, timed in the same alternation: a before and after
in one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _repository(folder: Path, file: Path, rev: str) -> None:
    head = subprocess.run(
        ["git", "rev-parse", rev], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    folder.mkdir()
    (folder / "workflows").mkdir()
    shutil.copy(file, folder / "workflows" / file.name)
    (folder / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head}\n    hooks:\n      - id: pypgflow-ops-lint\n"
    )
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)


def _time(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _hook_env(folder: Path, file: Path, rev: str, home: Path) -> Path:
    """The bin folder of the hook's environment, installed from `rev` (not timed)."""
    _repository(folder, file, rev)
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    install = [sys.executable, "-m", "pre_commit", "install-hooks"]
    subprocess.run(install, cwd=folder, env=environment, check=True)
    return next(home.glob("repo*/py_env-*/bin"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--file", type=Path, default=REPO / "workflows" / "expense_approval.yaml")
    parser.add_argument("--baseline", help="also time the hook's entry at this commit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder, home = Path(temp, "repo"), Path(temp, "home")
        file = args.file.resolve()
        hook_env = _hook_env(folder, file, "HEAD", home)
        os.environ["PRE_COMMIT_HOME"] = str(home)
        pre_commit = [sys.executable, "-m", "pre_commit"]
        relative = f"workflows/{args.file.name}"
        commands = {
            "python -c pass": [str(hook_env / "python"), "-c", "pass"],
            f"pypgflow-ops lint {relative}": [str(hook_env / "pypgflow-ops"), "lint", relative],
            f"pre-commit run pypgflow-ops-lint --files {relative}": [
                *pre_commit,
                "run",
                "pypgflow-ops-lint",
                "--files",
                relative,
            ],
        }
        if args.baseline:
            before = _hook_env(Path(temp, "before"), file, args.baseline, Path(temp, "home0"))
            name = f"pypgflow-ops lint {relative} at {args.baseline}"
            commands[name] = [str(before / "pypgflow-ops"), "lint", relative]
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(_time(command, folder))
    print(f"load average before the last run: {os.getloadavg()[0]:.2f}; {args.runs} runs each")
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"{name}: wall median {statistics.median(walls) * 1000:.0f} ms "
            f"(min {min(walls) * 1000:.0f} ms), CPU median {statistics.median(cpus) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
