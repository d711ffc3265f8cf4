"""Giving freed memory back to the system between the library stage's phases, and the cycle
collector's state around a run.

A level of the duplicate engine makes and frees millions of small objects. glibc's
allocator keeps the freed pages for later use, so the process holds each phase's peak
through the next one: measured on 10,000 guides, the main process held 1,417 MiB in the
last level against 1,222 MiB with the pages given back after each level.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import sys
from collections.abc import Iterator


@functools.cache
def _malloc_trim():  # the C function, or None off glibc
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def give_back_freed_memory() -> None:
    """Return the allocator's free pages to the system (glibc's ``malloc_trim``); nothing
    elsewhere. It changes no result, only what the process holds."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@contextlib.contextmanager
def cycle_collector(enabled: bool) -> Iterator[None]:
    """The cycle collector on or off inside the block, and back as it was after it."""
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was_enabled else gc.disable)()
