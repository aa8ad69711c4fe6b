"""Word segmentation with jieba, set up once per process.

A private `jieba.Tokenizer` keeps the project's user dictionary (unit names, indicator nouns)
out of the global tokenizer that other code in the same process may use.

Concurrency: the first callers may arrive together (threads in a web worker), so building is
guarded by a lock and the finished tokenizer is published only once it is complete.  After the
build nothing in a cut writes to the tokenizer (the POS tokenizer's pending user tags are merged
during the build), so threads can share it without locking.

Fork (Celery prefork, gunicorn preload): a child gets a copy of the parent's memory.  A tokenizer
the parent finished is just read-only data there and is reused as is, which saves every child the
build.  The lock is the one thing that must not be inherited: if another parent thread held it at
fork time the child's copy would stay locked forever, so the child gets a fresh lock; a tokenizer
the parent had not finished was never published, and the child builds its own.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from extraction.lexicon import aliases

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

_lock = threading.Lock()
_tokenizer: POSTokenizer | None = None


def _reset_after_fork() -> None:
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def _build() -> POSTokenizer:
    # Imported here: jieba.posseg loads its HMM tables on import, which a caller that only
    # decodes a file (or fails to) should not pay for.
    import jieba
    import jieba.posseg

    # jieba logs "Building prefix dict…" at DEBUG to stderr through its own handler.
    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    userdict = resources.files("extraction").joinpath("data/userdict.txt")
    with resources.as_file(userdict) as path:
        base.load_userdict(str(path))
    # Department names and their short forms, so that a unit mention splits into its prefix and
    # the department ("区" + "发改局"); see unitnames.py.
    for name in aliases():
        base.add_word(name, 200000, "nt")
    tokenizer = jieba.posseg.POSTokenizer(base)
    tokenizer.makesure_userdict_loaded()
    return tokenizer


def get_tokenizer() -> POSTokenizer:
    global _tokenizer
    tokenizer = _tokenizer
    if tokenizer is not None:
        return tokenizer
    with _lock:
        if _tokenizer is None:
            _tokenizer = _build()
        return _tokenizer


@lru_cache(maxsize=32768)
def pos_cut(text: str, *, hmm: bool = True) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech flag) pairs for a short phrase.

    `hmm=False` skips jieba's hidden Markov model for words outside the dictionary: several
    times faster, at the cost of reading an unknown name as single characters.  Cached: the
    rules ask about the same short phrases many times per document and across documents;
    lru_cache is safe to share between threads.
    """
    return tuple((pair.word, pair.flag) for pair in get_tokenizer().cut(text, HMM=hmm))


def cut(text: str) -> list[str]:
    return [word for word, _ in pos_cut(text)]
