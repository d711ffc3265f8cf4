"""Giving freed memory back to the system between the library stage's phases.

A level of the duplicate engine makes and frees millions of small objects. glibc's
allocator keeps the freed pages for later use, so the process holds each phase's peak
through the next one: measured on 10,000 guides, the main process held 1,417 MiB in the
last level against 1,222 MiB with the pages given back after each level.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys


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
