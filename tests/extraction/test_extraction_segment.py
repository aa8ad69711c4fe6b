"""The jieba tokenizer: private, built once, quiet, safe across threads and fork."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from extraction import segment

ROOT = Path(__file__).resolve().parents[2]


def test_user_dictionary_keeps_unit_names_whole() -> None:
    assert "住房城乡建设局" in segment.cut("市住房城乡建设局")
    assert "人力资源社会保障局" in segment.cut("市人力资源社会保障局牵头")


def test_tokenizer_is_private() -> None:
    import jieba

    tokenizer = segment.get_tokenizer()
    assert tokenizer.tokenizer is not jieba.dt
    assert "住房城乡建设局" not in jieba.dt.FREQ or not jieba.dt.initialized


def test_concurrent_first_calls_build_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real_build = segment._build

    def counting_build():
        built.append(object())
        return real_build()

    monkeypatch.setattr(segment, "_tokenizer", None)
    monkeypatch.setattr(segment, "_build", counting_build)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def worker() -> None:
        barrier.wait()
        results.append(segment.get_tokenizer())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len({id(r) for r in results}) == 1


def child_check_while_held(lock: threading.Lock, check: Callable[[], bool]) -> bool:
    """Fork while `lock` is held (as by another thread at fork time); run `check` in the child."""
    read_end, write_end = os.pipe()
    with lock:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_end)
            try:
                os.write(write_end, b"1" if check() else b"0")
            finally:
                os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    answer = os.read(read_end, 1)
    os.close(read_end)
    return answer == b"1" and status == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_child_after_fork_can_segment_even_if_lock_was_held() -> None:
    segment.get_tokenizer()
    assert child_check_while_held(
        segment._lock,
        lambda: "发展改革委" in segment.cut("市发展改革委") and not segment._lock.locked(),
    )


def test_jieba_logging_is_silenced() -> None:
    code = "from extraction import segment; segment.cut('市发展改革委牵头')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Building prefix dict" not in result.stderr
    assert "Loading model" not in result.stderr


def test_threads_share_one_converter_and_get_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """OpenCC converters are built once per process, like the tokenizer, whichever thread
    asks first; extraction in parallel threads gives what it gives alone."""
    from extraction import extract, prepare
    from tests.extraction.samples import DOCUMENTS

    monkeypatch.setattr(prepare, "_converters", {})
    texts = [p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS.glob("*.txt"))]
    expected = [extract(text) for text in texts]
    built = dict(prepare._converters)
    barrier = threading.Barrier(4)
    results: dict[int, list[object]] = {}

    def worker(n: int) -> None:
        barrier.wait()
        results[n] = [extract(text) for text in texts]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n] == expected for n in range(4))
    assert all(prepare._converters[k] is built[k] for k in built)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_child_after_fork_can_convert_even_if_the_converter_lock_was_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extraction import prepare

    monkeypatch.setattr(prepare, "_converters", {})  # the child must build its own
    assert child_check_while_held(
        prepare._converter_lock, lambda: prepare.to_simplified("經濟發展") == "经济发展"
    )
