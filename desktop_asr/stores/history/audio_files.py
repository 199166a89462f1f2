"""The files of the audio folder beside the history: new private recording files, durable
from their creation (the folder is synced), and deletion that never leaves the folder."""

from __future__ import annotations

import os
from pathlib import Path

from desktop_asr.errors import InputError


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that a file just created in it is still there after a power cut
    (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder: nothing more can be done
    finally:
        os.close(fd)


def create_recording_file(folder: Path, stem: str, suffix: str) -> Path:
    """A new, empty, private (0600) file ``folder/stem[-N]suffix``, its name synced to the
    disk. InputError in words when the folder cannot be made or written."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"Cannot create a recording file in {folder}: it is a file, not "
                         "a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for n in range(1, 10_000):
            path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            sync_folder(folder)  # the new name survives a power cut
            return path
    except OSError as exc:
        raise InputError(f"Cannot create a recording file in {folder}: "
                         f"{exc.strerror or exc}.") from None
    raise InputError(f"Cannot find a free file name in {folder}.")


def remove_audio(path: Path, folder: Path) -> None:
    """Delete a kept audio file, but only inside ``folder``: a path elsewhere is the
    user's own file and is only forgotten. InputError in words when it cannot be."""
    try:
        if not path.resolve().is_relative_to(folder.resolve()):
            return
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot delete the recording {path}: "
                         f"{exc.strerror or exc}.") from None
