"""Writing user-facing output files: atomically, and never over a file by accident.

Every file the program writes goes through `replace_atomically`: the bytes go
to a temporary file made with `mkstemp` in the target's folder, then renamed
over the target. `mkstemp` creates the file exclusively under a random name, so
nobody sharing the folder can plant a symlink at a name we are about to write;
the rename means a reader (or a crash) never sees half a file.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from knowledge.errors import UserError

# strerror is written for programmers; these read better in a one-line message
_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied (is the folder read-only?)",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "it is a folder",
}


class OutputError(UserError):
    """The file could not be written; nothing was left behind."""


def check_output(path: Path, *, force: bool = False) -> None:
    """Refuse a missing folder, a folder as the target, or an existing file unless `force`."""
    if not path.parent.is_dir():
        raise OutputError(f"no such folder: {path.parent}")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name inside it")
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to overwrite it")


def replace_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Call `write` on a fresh temporary file beside `path`, then rename it over `path`.

    Raises the OSError of whatever failed, after removing the temporary file.
    The new file keeps the mode of the file it replaces, or gets the usual
    0666 less the umask (mkstemp alone would leave it 0600).
    """
    import tempfile  # on use: the matcher imports this module, and `match` starts fast

    mode = _mode_for(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk can first show here (delayed allocation, NFS)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_output(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` atomically; OutputError in one line if it cannot be.

    A missing folder, a folder as the target, or an existing file without
    `force` is refused before anything is written; a failure while writing
    (read-only folder, full disk) leaves neither half a file nor a temporary one.
    """
    check_output(path, force=force)
    try:
        replace_atomically(path, lambda fh: fh.write(data))
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
        raise OutputError(f"cannot write {path}: {reason}") from exc
    return path


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # os.umask can only be read by setting it, which races with other threads;
    # Linux shows it in /proc instead
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank line of a JSON Lines file; ValueError names the line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc


def read_yaml_list(path: Path, key: str) -> list[Any]:
    """The list under `key` in a YAML data file; ValueError names the file and what is wrong."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read it ({exc})") from exc
    rows = data.get(key) if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a top-level {key!r} list")
    return rows


def save_arrays(path: Path, meta: dict[str, Any], **arrays: Any) -> None:
    """Plain numpy arrays and a JSON header in one .npz cache file.

    Written through a fresh file renamed into place: the cache folder may be shared,
    and a reader never sees half a file.
    """
    import numpy as np

    header = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
    replace_atomically(path, lambda fh: np.savez(fh, meta=header, **arrays))


@contextmanager
def load_arrays(path: Path, fmt: int) -> Iterator[tuple[dict[str, Any], Any]]:
    """The header and the arrays of a `save_arrays` file; ValueError if its format is another."""
    import numpy as np

    with np.load(path, allow_pickle=False) as arrays:
        meta = json.loads(arrays["meta"].tobytes().decode())
        if meta.get("format") != fmt:
            raise ValueError(f"{path.name}: the cache format changed")
        yield meta, arrays
