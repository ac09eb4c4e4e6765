"""Reading a file named on the command line without trusting it to be one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pypgflow_ops.errors import PypgflowError

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def read_regular_file(path: Path, max_size: int, what: str) -> bytes:
    """The bytes of the regular file `path`, at most `max_size` of them. A folder, a device
    (/dev/urandom) or a named pipe is refused in one line, without reading or waiting."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a named pipe opens without waiting
    except OSError as exc:
        raise PypgflowError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind != stat.S_IFREG:
            raise PypgflowError(
                f"cannot read {what} {path}: it is {_KINDS.get(kind, 'not a regular file')}, "
                "not a file"
            )
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(max_size + 1)  # the size can change after fstat: read no more
    finally:
        os.close(fd)
    if len(data) > max_size:
        raise PypgflowError(
            f"cannot read {what} {path}: it is over the limit of {max_size:,} bytes"
        )
    return data
