"""Configuration: `[tool.pypgflow-ops]` in pyproject.toml, or `.pypgflow-ops.yaml`.

Found by walking up from the working directory (the nearest wins), or named with `--config`.
    [tool.pypgflow-ops]
    paths = ["workflows"]
    max-file-size = 10485760
    [tool.pypgflow-ops.rules]
    parallel-transitions = "off"     # or "warning", "error"
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypgflow_ops.errors import UsageError
from pypgflow_ops.loading import DEFAULT_MAX_FILE_SIZE, load
from pypgflow_ops.problems import RuleInfo, Severity
from pypgflow_ops.rules import RULES_BY_ID

YAML_NAME = ".pypgflow-ops.yaml"
TOML_TABLE = "pypgflow-ops"
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "off": None}


@dataclass(frozen=True)
class Config:
    paths: tuple[str, ...] = ("workflows",)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    rules: Mapping[str, Severity | None] = field(default_factory=dict)
    source: Path | None = None
    tenants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # slug -> its paths

    def severity(self, rule: RuleInfo) -> Severity | None:
        """The rule's severity here; None when the rule is off."""
        if rule.tunable and rule.id in self.rules:
            return self.rules[rule.id]
        return rule.severity


def _settings_from_toml(path: Path) -> dict[str, Any] | None:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc}") from None
    table = data.get("tool", {}).get(TOML_TABLE)
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.{TOML_TABLE}] must be a table")
    return table


def _settings_from_yaml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    if all(not line.strip() or line.lstrip().startswith(b"#") for line in data.splitlines()):
        return {}  # an empty configuration means the defaults
    loaded = load(data, str(path))
    if loaded.document is None:
        problem = loaded.problems[0]
        raise UsageError(f"{path}:{problem.line}:{problem.column}: {problem.message}")
    return loaded.document.data


def _parse(settings: Mapping[str, Any], source: Path) -> Config:
    known = {"paths", "max-file-size", "rules", "tenants"}
    for key in settings:
        if key not in known:
            raise UsageError(
                f"{source}: unknown setting {key!r}; known: {', '.join(sorted(known))}"
            )
    paths = settings.get("paths", ["workflows"])
    if not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
        raise UsageError(f"{source}: `paths` must be a list of folder or file names")
    if not paths:
        raise UsageError(f"{source}: `paths` is empty; name at least one folder or file")
    size = settings.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise UsageError(f"{source}: `max-file-size` must be a positive number of bytes")
    rules = settings.get("rules", {})
    if not isinstance(rules, dict):
        raise UsageError(f"{source}: `rules` must map rule ids to error, warning or off")
    return Config(
        tuple(paths),
        size,
        {r: _level(r, v, source) for r, v in rules.items()},
        source,
        _tenants(settings.get("tenants", {}), source),
    )


def _tenants(table: Any, source: Path) -> dict[str, tuple[str, ...]]:
    """`tenants`: slug -> the folders or files its workflows come from (the fleet, issue 11)."""
    from pypgflow_ops.deploy.tenant import is_slug

    if not isinstance(table, dict):
        raise UsageError(f"{source}: `tenants` must map tenant slugs to lists of paths")
    for slug, paths in table.items():
        if not is_slug(slug):
            raise UsageError(
                f"{source}: tenants: {slug!r} is not a tenant slug: use 1 to 63 of a-z, 0-9, "
                "'_' and '-', starting with a letter or a digit"
            )
        if not (isinstance(paths, list) and paths and all(isinstance(p, str) for p in paths)):
            raise UsageError(
                f"{source}: tenants.{slug} must be a non-empty list of folder or file names"
            )
    return {slug: tuple(paths) for slug, paths in table.items()}


def _level(rule: str, value: Any, source: Path) -> Severity | None:
    if rule not in RULES_BY_ID:
        import difflib

        close = difflib.get_close_matches(rule, RULES_BY_ID, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"{source}: unknown rule {rule!r}{hint}")
    if not RULES_BY_ID[rule].tunable and value != "error":
        raise UsageError(f"{source}: rule {rule!r} cannot be tuned: {RULES_BY_ID[rule].why_fixed}")
    if value is False and source.suffix != ".toml":
        raise UsageError(
            f'{source}: rules.{rule}: write "off" in quotes (YAML reads an unquoted off as false)'
        )
    if not isinstance(value, str) or value not in _LEVELS:
        raise UsageError(f"{source}: rules.{rule} must be error, warning or off, not {value!r}")
    return _LEVELS[value]


def find_config(start: Path) -> Path | None:
    """The nearest .pypgflow-ops.yaml, or pyproject.toml with a [tool.pypgflow-ops] table."""
    for folder in (start, *start.parents):
        candidate = folder / YAML_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _settings_from_toml(pyproject) is not None:
            return pyproject
    return None


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def _require_regular_file(path: Path) -> None:
    """Checked before opening: reading a device or a FIFO would never end or block forever."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{path}: no such configuration file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise UsageError(
            f"{path}: is {kind}, not a regular file; name the configuration file itself"
        )


def load_config(explicit: Path | None = None, start: Path | None = None) -> Config:
    path = explicit or find_config((start or Path.cwd()).resolve())
    if path is None:
        return Config()
    if explicit is not None:
        _require_regular_file(explicit)
    if path.suffix == ".toml":
        settings = _settings_from_toml(path)
        if settings is None:
            raise UsageError(f"{path}: has no [tool.{TOML_TABLE}] table")
    else:
        settings = _settings_from_yaml(path)
    return _parse(settings, path)
