"""Give freed heap memory back to the OS on glibc (Linux); a no-op elsewhere.

Large ingests build and drop hundreds of MB of Python objects and model activations; glibc keeps freed pages in
its heaps (one per thread that ever allocated), so RSS — what the 1 GB bound of a 200k-row ingest is about — stays
at its high-water mark although the memory is free.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from typing import Any

_M_ARENA_MAX = -8  # mallopt parameter number from glibc's malloc.h


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def limit_arenas(count: int = 2) -> None:
    """Cap glibc's per-thread heaps before a thread pool starts (onnxruntime's): each keeps its own freed memory."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, count)


def release() -> None:
    """Collect garbage, then return free heap pages to the OS."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
