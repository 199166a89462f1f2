"""Big buffers given back to the system when freed (glibc): a long file's chunks pass
through this process as arrays and request bodies of a few megabytes each, allocated and
freed on several threads. With glibc's default (a threshold that rises to the size of the
largest block freed), such blocks come from per-thread heaps that keep the memory after
use, and a 2-hour file's peak grows with the number of chunks seen, not with the number
in flight. A fixed threshold of 1 MiB puts every such block in its own mapping."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3
THRESHOLD = 1 << 20
_done = False


def map_big_blocks() -> bool:
    """Once per process; True when the C library took the setting."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return _done
    _done = True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to do
        return False
