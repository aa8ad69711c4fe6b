"""Extraction throughput against bare jieba segmentation of the same text.

    .venv/bin/python bench/extraction.py [--repeats N]

Extracts every document of the shared corpus ($TRACKER_SHARED/corpus, else ../shared/corpus
beside the checkout; the demo documents when neither exists) and times it against
`jieba.lcut` over the same prepared text, in the same process.  Both run best of N passes after
one warm-up pass; the extractor's own caches are emptied before each of its passes, so every
pass pays for what a fresh document would.  Prints characters and documents per second, peak
memory, and the ratio; exits 1 when extraction takes more than 1.5 times the segmentation.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction import extract, prepare_text, read_document, segment, unitnames  # noqa: E402

LIMIT = 1.5


def corpus_files() -> tuple[str, list[Path]]:
    shared = Path(os.environ.get("TRACKER_SHARED") or ROOT.parent / "shared")
    corpus = shared / "corpus"
    if corpus.is_dir():
        return str(corpus), sorted(corpus.rglob("*.txt"))
    demo = ROOT / "tracker" / "demo" / "documents"
    return str(demo), sorted(demo.glob("*.txt"))


def clear_caches() -> None:
    segment.pos_cut.cache_clear()
    unitnames.canonical_unit_name.cache_clear()


def best_of(repeats: int, run: Callable[[], object], before: Callable[[], None]) -> float:
    times = []
    for _ in range(repeats):
        before()
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    where, files = corpus_files()
    if not files:
        print(f"no documents found under {where}", file=sys.stderr)
        return 2
    texts = [read_document(path) for path in files]
    prepared = [prepare_text(text) for text in texts]
    chars = sum(len(text) for text in prepared)

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    segment.get_tokenizer()

    def extract_all() -> None:
        for text in texts:
            extract(text)

    def segment_all() -> None:
        for text in prepared:
            jieba.lcut(text)

    extract_all()  # warm-up: imports, regex compilation, OpenCC and jieba dictionaries
    segment_all()
    extracting = best_of(args.repeats, extract_all, clear_caches)
    segmenting = best_of(args.repeats, segment_all, lambda: None)

    clear_caches()
    tracemalloc.start()
    extract_all()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    ratio = extracting / segmenting
    print(f"corpus: {where} ({len(files)} documents, {chars} characters)")
    print(
        f"extract: {extracting:.3f} s  {chars / extracting:,.0f} chars/s  "
        f"{len(files) / extracting:.1f} docs/s  (best of {args.repeats})"
    )
    print(
        f"jieba.lcut: {segmenting:.3f} s  {chars / segmenting:,.0f} chars/s  "
        f"{len(files) / segmenting:.1f} docs/s  (best of {args.repeats})"
    )
    print(
        f"peak memory: {peak / 2**20:.1f} MiB allocated during one extraction pass "
        f"(tracemalloc), {max_rss / 1024:.0f} MiB max RSS of the process"
    )
    verdict = "ok" if ratio <= LIMIT else f"FAIL (limit {LIMIT})"
    print(f"ratio extract / jieba.lcut: {ratio:.2f}  {verdict}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
