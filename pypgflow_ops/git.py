"""Files as they were at a git ref, read from the object store: no checkout, so it works in a
detached HEAD and leaves the work tree alone. Used by `lint --against-ref` and
`diagram --against-ref`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pypgflow_ops.errors import PypgflowError, UsageError


def _git(
    folder: Path, *args: str, given: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=folder, input=given, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise PypgflowError("--against-ref needs git, which is not installed") from None


def _fetch_hint(ref: str) -> str:
    """The fetch that makes `ref` resolve, even in a single-branch clone (actions/checkout's)."""
    branch = ref.removeprefix("refs/remotes/").removeprefix("origin/")
    if branch == ref:
        return f"fetch it first: git fetch --depth=1 origin {ref}"
    return f"fetch it first: git fetch --depth=1 origin {branch}:refs/remotes/origin/{branch}"


def _folder_of(path: Path) -> Path:
    resolved = path.resolve()
    return resolved if resolved.is_dir() else resolved.parent


def verify_ref(ref: str, path: Path) -> Path:
    """The root of the work tree that holds `path`, once `ref` is known to be a commit there."""
    if ref.startswith("-"):
        raise UsageError(f"{ref!r} is not a git ref")
    folder = _folder_of(path)
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(
            f"--against-ref {ref}: {path} is not in a git work tree; run it in a clone "
            "of the repository"
        )
    verified = _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if verified.returncode != 0:
        shallow = _git(folder, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        where = "not in this shallow clone" if shallow else "no such commit"
        raise UsageError(f"--against-ref {ref}: {where}; {_fetch_hint(ref)}")
    return Path(os.fsdecode(top.stdout.strip()))


def file_at_ref(ref: str, path: Path) -> bytes | None:
    """The file's content at `ref`, or None when the file did not exist there."""
    verify_ref(ref, path)
    shown = _git(_folder_of(path), "show", f"{ref}:./{path.name}")
    return shown.stdout if shown.returncode == 0 else None


def _blobs(batch: bytes, count: int) -> list[bytes]:
    """Contents from `git cat-file --batch` output: '<oid> blob <size>\\n<content>\\n' each."""
    contents, at = [], 0
    for _ in range(count):
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        contents.append(batch[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1
    return contents


def files_at_ref(ref: str, paths: Sequence[Path], suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """The files with these suffixes at `ref` under `paths` (files or folders), by their path as
    it would be written relative to the current folder."""
    if not paths:
        return {}
    top = verify_ref(ref, paths[0])
    specs = [os.path.relpath(p.resolve(), top) for p in paths]
    listed = _git(top, "ls-tree", "-r", "-z", "--full-tree", ref, "--", *specs)
    entries = []
    for line in listed.stdout.split(b"\0"):
        if not line:
            continue
        meta, name = line.split(b"\t", 1)
        file = os.fsdecode(name)
        hidden = any(part.startswith(".") for part in Path(file).parts)
        if meta.split()[1] == b"blob" and file.lower().endswith(suffixes) and not hidden:
            entries.append((file, meta.split()[2]))
    if not entries:
        return {}
    given = b"".join(oid + b"\n" for _, oid in entries)
    batch = _git(top, "cat-file", "--batch", given=given).stdout
    return {
        os.path.relpath(top / file): content
        for (file, _), content in zip(entries, _blobs(batch, len(entries)), strict=True)
    }
