"""Human-editable JSON settings files: read with errors that name the file and line, write
atomically (temporary file, fsync, rename) with mode 0600, and never replace a broken file
without keeping a copy of it. ``locked`` makes a read-modify-write one step across
processes (and threads)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from desktop_asr.errors import ConfigFileError


def read_json(path: Path, what: str) -> dict[str, Any] | None:
    """The object stored in ``path``, or None when the file does not exist.

    ``what`` names the file for messages ("profiles file"). Raises ConfigFileError for a
    file that cannot be read, is not JSON (with the line and column), or is not an object.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ConfigFileError(f"The {what} {path} is not UTF-8 text.", path=str(path)) from None
    except OSError as exc:
        raise ConfigFileError(f"Cannot read the {what} {path}: {exc.strerror or exc}.",
                              path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigFileError(
            f"The {what} {path} is not valid JSON: line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}. Fix it in a text editor, or move it away to start afresh.",
            path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict):
        raise ConfigFileError(f"The {what} {path} must hold a JSON object at the top level.",
                              path=str(path), line=1)
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically; the file (and a new folder) are private."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


_held = threading.local()  # the lock files this thread holds, with their depth


@contextlib.contextmanager
def locked(path: Path, what: str = "settings file") -> Iterator[None]:
    """Hold the exclusive lock of ``path`` for the block, so that a read-modify-write of
    it is one step for every process and thread: ``fcntl.flock`` on ``<name>.lock`` beside
    it (private; never deleted, since deleting it would let two processes lock two
    different files). Others wait; the same thread may take it again inside the block.
    Readers need no lock: writes are atomic renames. On Windows, where there is no fcntl,
    ``msvcrt.locking`` locks the lock file's first byte instead.
    """
    key = str(path.absolute())
    depth: dict[str, int] = _held.__dict__.setdefault("depth", {})
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ConfigFileError(f"Cannot lock the {what} {path}: {lock_path} cannot be "
                              f"opened ({exc.strerror or exc}).", path=str(path)) from None
    try:
        _lock(fd)
        depth[key] = 1
        try:
            yield
        finally:
            depth.pop(key, None)
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        while True:
            try:  # LK_LOCK itself retries for about 10 seconds, then raises
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def backup(path: Path) -> Path | None:
    """Copy ``path`` to ``path.bak`` (or .bak.2, ...) before it is replaced; the copy's path.

    Use before writing over a file that could not be parsed, so the user's text survives.
    """
    if not path.exists():
        return None
    n = 1
    target = path.with_name(path.name + ".bak")
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bak.{n}")
    target.write_bytes(path.read_bytes())
    os.chmod(target, 0o600)
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- reading values of a settings file with the right JSON types ---------------------------
# Each raises TypeError naming what was expected; the stores turn it into ConfigFileError.
def json_text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("text")
    return value


def json_flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("true or false")
    return value


def json_number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("a number")
    return float(value)


def json_whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("a whole number")
    return value
