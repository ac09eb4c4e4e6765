"""Lint benchmark: pypgflow-ops lint against two baselines that do strictly less work, in one run.

    pip install -r benchmarks/requirements.txt     # check-jsonschema, for baseline (a)
    python benchmarks/lint/generate.py             # the input, under benchmarks/data/lint/
    python benchmarks/lint/run.py [--only a,b,c,d,e] [--startup-runs 20]

(a) check-jsonschema over the 1,000 files; (b) CSafeLoader + one precompiled jsonschema validator
(bare_validate.py); (c) `pypgflow-ops lint` over the same files; (d) lint of one workflow of
10,000 states and 30,000 transitions; (e) start-up of `--help` and of a one-file lint against
`python -c pass`. Each result is checked (every file valid, no problem reported) before its time
counts. Prints Markdown rows for docs/benchmarks.md and writes benchmarks/out/lint.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATA = REPO / "benchmarks" / "data" / "lint"
FILES = DATA / "files"
HUGE = DATA / "huge" / "huge.yaml"
SMALL_EXAMPLE = REPO / "workflows" / "fraud_detection.yaml"
OUT = REPO / "benchmarks" / "out" / "lint.json"


@dataclass(frozen=True, slots=True)
class Measurement:
    case: str
    command: str
    seconds: float | None
    note: str


def _shown_part(part: str) -> str:
    if part == sys.executable:
        return "python"
    if part.startswith(str(BIN)):
        return Path(part).name
    return os.path.relpath(part, REPO) if part.startswith(str(REPO)) else part


def _shown(command: list[str]) -> str:
    return " ".join(_shown_part(part) for part in command)


def _run(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "(no output)")


def _tool(name: str) -> Path | None:
    path = BIN / name
    return path if path.exists() else None


def check_jsonschema() -> Measurement:
    tool = _tool("check-jsonschema")
    command = [str(tool or "check-jsonschema"), "--schemafile",
               str(REPO / "schemas" / "workflow.schema.json"), str(FILES / "*.yaml")]
    if tool is None:
        return Measurement("a", _shown(command), None,
                           "skipped: pip install -r benchmarks/requirements.txt")
    files = sorted(str(p) for p in FILES.glob("*.yaml"))
    seconds, done = _run([*command[:-1], *files])
    ok = done.returncode == 0 and "ok -- validation done" in done.stdout
    return Measurement("a", _shown(command), seconds,
                       f"{len(files)} files, all valid" if ok else _first_line(done.stdout))


def bare() -> Measurement:
    command = [sys.executable, str(Path(__file__).with_name("bare_validate.py")), str(FILES)]
    seconds, done = _run(command)
    return Measurement("b", _shown(command), seconds, done.stdout.strip())


def _lint(case: str, path: Path, expected_files: int) -> Measurement:
    command = [str(BIN / "pypgflow-ops"), "lint", "--format", "json", str(path)]
    seconds, done = _run(command)
    if done.returncode not in (0, 1):
        return Measurement(case, _shown(command), None,
                           f"skipped: lint is not ready ({_first_line(done.stderr)})")
    report = json.loads(done.stdout)
    clean = report["files"] == expected_files and not report["problems"]
    note = (f"{report['files']} files, no problem" if clean else
            f"{report['files']} files, {len(report['problems'])} problems: "
            f"{report['problems'][0]['rule'] if report['problems'] else ''}")
    return Measurement(case, _shown(command), seconds, note)


def lint_files() -> Measurement:
    return _lint("c", FILES, len(list(FILES.glob("*.yaml"))))


def lint_huge() -> Measurement:
    return _lint("d", HUGE, 1)


def startup(runs: int) -> list[Measurement]:
    commands = {
        "e: python -c pass": [sys.executable, "-c", "pass"],
        "e: --help": [str(BIN / "pypgflow-ops"), "--help"],
        "e: lint one file": [str(BIN / "pypgflow-ops"), "lint", str(SMALL_EXAMPLE)],
    }
    times: dict[str, list[float]] = {case: [] for case in commands}
    failures: dict[str, str] = {}
    for _ in range(runs):  # interleaved, so a burst of load elsewhere hits every command alike
        for case, command in commands.items():
            seconds, done = _run(command)
            times[case].append(seconds)
            if done.returncode != 0:
                failures[case] = f"exit {done.returncode}: {_first_line(done.stderr)}"
    return [
        Measurement(case, _shown(command), statistics.median(times[case]),
                    failures.get(case, f"median of {runs}, min {min(times[case]) * 1000:.0f} ms"))
        for case, command in commands.items()
    ]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"load average before the run {load}")


def _row(m: Measurement) -> str:
    figure = "-" if m.seconds is None else (
        f"{m.seconds * 1000:.0f} ms" if m.seconds < 1 else f"{m.seconds:.1f} s")
    return f"| {m.case} | `{m.command}` | {figure} | {m.note} |"


CASES: dict[str, Callable[[], Measurement]] = {
    "a": check_jsonschema, "b": bare, "c": lint_files, "d": lint_huge,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="a,b,c,d,e", help="cases to run, e.g. b,c")
    parser.add_argument("--startup-runs", type=int, default=20)
    args = parser.parse_args()
    if not FILES.is_dir() or not HUGE.exists():
        print("no input: run `python benchmarks/lint/generate.py` first", file=sys.stderr)
        return 2
    print(f"Machine: {machine()}\n")
    print("| case | command | wall time | result |\n| --- | --- | --- | --- |")
    results: list[Measurement] = []
    for case in args.only.split(","):
        measured = startup(args.startup_runs) if case == "e" else [CASES[case]()]
        for m in measured:
            print(_row(m), flush=True)
        results += measured
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps([asdict(m) for m in results], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
