"""Decoding and extraction under a CPU-time and memory budget, in a child process.

An uploaded file is untrusted: a 15 KB PDF whose pages share one huge drawing-only content stream
keeps pypdf busy for minutes, and a crafted archive or text may try to exhaust memory.  The
size checks in formats.py catch what can be seen before parsing; this module bounds what cannot.
The work runs in a forked child with `resource` limits (RLIMIT_CPU for CPU seconds, RLIMIT_AS
for memory beyond what the parent already maps) plus a wall-clock deadline, and a child that
runs out is refused with DecodeError("budget").

A fork rather than multiprocessing: the importer may run inside a Celery prefork worker, whose
daemonic processes multiprocessing forbids to have children, and a fork shares the parent's
finished jieba tokenizer and OpenCC converters instead of building them again (segment.py and
prepare.py give the child fresh locks).  Results come back as JSON over a pipe: both results
(the text and the extraction) are JSON already, and nothing from the child is unpickled.

Where os.fork does not exist (not a supported platform for the tracker) the work runs in the
calling process without a budget.
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

from extraction.errors import DecodeError, DecodeErrorCode
from extraction.normalize import decode_document
from extraction.pipeline import extract
from extraction.types import Extraction

T = TypeVar("T")

DEFAULT_CPU_SECONDS = 60.0
DEFAULT_MEMORY_BYTES = 1 << 30

_BUDGET_MESSAGE = (
    "文件处理超出了时间或内存限制,可能含有异常复杂的内容(如大量绘图指令);"
    "请另存为 .docx 或 .txt 后再导入。"
)


def _mapped_bytes() -> int:
    """The process's current virtual size: a forked child starts with all of its parent's."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _apply_limits(cpu_seconds: float, memory_bytes: int) -> None:
    import resource

    soft = max(1, math.ceil(cpu_seconds))
    # SIGXCPU at the soft limit, SIGKILL a second later should the signal be caught or ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    address_space = _mapped_bytes() + memory_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        address_space = min(address_space, hard)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, hard))


def _child(
    write_fd: int, func: Callable[[], object], cpu_seconds: float, memory_bytes: int
) -> None:
    status = 0
    try:
        payload: list[Any]
        try:
            _apply_limits(cpu_seconds, memory_bytes)
            payload = ["ok", func()]
        except DecodeError as exc:
            payload = ["error", exc.code, exc.message]
        except MemoryError:
            payload = ["budget"]
        except Exception as exc:
            payload = ["crash", f"{type(exc).__name__}: {exc}"]
        try:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except MemoryError:
            data = b'["budget"]'
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)
    except BaseException:
        status = 1
    finally:
        # Never return into the parent's code (a web server's loop, pytest) from the child.
        os._exit(status)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_limited(
    func: Callable[[], T],
    *,
    cpu_seconds: float = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    wall_seconds: float | None = None,
) -> T:
    """func() in a child process within the budget; its result must be JSON (str, dict, list…).

    Raises DecodeError("budget") when the child exceeds its CPU seconds, its memory (bytes it
    may map beyond what the parent already maps) or the wall-clock deadline (by default twice
    the CPU seconds plus ten, for a child that waits rather than computes); a DecodeError the
    child raises is raised again here with its code; any other failure is a RuntimeError.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - the tracker runs on Linux
        return func()
    deadline = time.monotonic() + (
        wall_seconds if wall_seconds is not None else 2 * cpu_seconds + 10
    )
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves by os._exit
        os.close(read_fd)
        _child(write_fd, func, cpu_seconds, memory_bytes)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, deadline)
    finally:
        os.close(read_fd)
    if data is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if not data:
        if data is None or os.WIFSIGNALED(status):
            # Out of time (SIGXCPU, then SIGKILL) or killed for memory by the kernel.
            raise DecodeError("budget", _BUDGET_MESSAGE)
        raise RuntimeError(f"budgeted child ended without a result (status {status})")
    message = json.loads(data.decode("utf-8"))
    kind = message[0]
    if kind == "ok":
        result: T = message[1]
        return result
    if kind == "error":
        code: DecodeErrorCode = message[1]
        raise DecodeError(code, message[2])
    if kind == "budget":
        raise DecodeError("budget", _BUDGET_MESSAGE)
    raise RuntimeError(f"budgeted child failed: {message[1]}")


def decode_document_limited(
    data: bytes,
    filename: str = "",
    *,
    cpu_seconds: float = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
) -> str:
    """decode_document() within a CPU-time and memory budget (see run_limited)."""
    return run_limited(
        lambda: decode_document(data, filename),
        cpu_seconds=cpu_seconds,
        memory_bytes=memory_bytes,
    )


def extract_limited(
    text: str,
    *,
    cpu_seconds: float = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
) -> Extraction:
    """extract() within a CPU-time and memory budget (see run_limited).

    extract() itself never raises; here running out of the budget is DecodeError("budget").
    """
    return run_limited(lambda: extract(text), cpu_seconds=cpu_seconds, memory_bytes=memory_bytes)
