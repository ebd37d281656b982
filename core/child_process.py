"""Child interpreters that never outlive the process that started them.

A child calls :func:`die_with_parent` first thing. On Linux the kernel then kills it
(``SIGKILL``, which no busy native code can ignore) when its parent dies, however the
parent dies (``kill -9`` included); a parent that died before the call is caught by
comparing the parent's process id. The kernel signals when the *thread* that started
the child ends, so start a child from a thread that outlives it (waits for it or kills
it). Elsewhere the call only checks the parent is still there: such children must be
bounded on their own (a time limit) and write only to pipes, so that an orphan stops
in time and leaves nothing behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
ORPHANED = 3  # the exit status of a child whose parent was already gone


def die_with_parent(parent_pid: int) -> None:
    """Make the calling process die when its parent ``parent_pid`` does (see the module's
    docstring); exits at once when that parent is already gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(ORPHANED)
