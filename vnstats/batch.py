"""Running a batch: every input becomes one ``Document``, yielded in input order.

With one job, or one document, everything runs in this process. Otherwise the
documents go to a pool of worker processes, each with one ``Extractor`` that it
reuses for all its documents (on Linux the workers are forked from this process
and inherit its extractor; elsewhere each builds its own). Workers get paths,
not contents: reading and decoding happen in the worker. Work is sent in small
chunks and only a few chunks per worker are in flight, so memory stays flat
however many documents there are.

A worker that dies (killed, out of memory, crashed) does not lose the batch:
the documents that were in flight are run again one at a time on a fresh pool,
and the one that kills its worker again gets an error of type ``crash``.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Iterable, Iterator, Sequence

from .api import extract_document, extract_file
from .document import Document
from .extractor import Extractor
from .inputs import Input
from .reading import DEFAULT_MAX_BYTES, InputError, decode

CHUNK = 4                 # documents per task sent to a worker
CHUNKS_PER_WORKER = 4     # tasks in flight per worker

# The worker's state: its extractor and size limit (set by _start_worker, or
# inherited from the parent when the pool is forked).
_worker: tuple[Extractor, int] | None = None


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def process(item: Input, extractor: Extractor, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The ``Document`` of one input. Never raises: whatever goes wrong with one
    document is reported in its ``error`` and the batch goes on."""
    if item.error is not None:
        return Document(item.source, error=item.error)
    try:
        if item.data is None:
            return extract_file(item.path, extractor, max_bytes, source=item.source)
        try:
            text, encoding = decode(item.data)
        except InputError as e:
            return Document(item.source, error=e.to_dict())
        return extract_document(text, item.source, encoding, extractor)
    except Exception as e:    # a bug must cost one document, not the batch
        return Document(item.source, error={"type": "internal", "message": f"{type(e).__name__}: {e}"})


class Batch:
    """Runs documents in this process or on ``jobs`` workers; use as a context
    manager so that the workers stop however the batch ends."""

    def __init__(self, extractor: Extractor, jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES,
                 patterns: Sequence[str] = ()):
        self.extractor, self.jobs, self.max_bytes = extractor, jobs, max_bytes
        self.patterns = tuple(str(p) for p in patterns)
        self._pool: ProcessPoolExecutor | None = None
        self._workers = 0

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(kill=exc_type is not None)

    def run(self, inputs: Iterable[Input]) -> Iterator[Document]:
        """The document of every input, in input order."""
        inputs = iter(inputs)
        head = list(islice(inputs, self.jobs + 1))
        if self.jobs <= 1 or len(head) <= 1:      # no workers to start for one document
            for item in chain(head, inputs):
                yield process(item, self.extractor, self.max_bytes)
            return
        self._workers = min(self.jobs, len(head))
        yield from self._run_pool(chain(head, inputs))

    def _run_pool(self, inputs: Iterator[Input]) -> Iterator[Document]:
        limit = self._workers * CHUNKS_PER_WORKER
        chunks = iter(lambda: list(islice(inputs, CHUNK)), [])
        window: deque = deque()
        while True:
            while len(window) < limit and (chunk := next(chunks, None)) is not None:
                window.append((self._submit(chunk), chunk))
            if not window:
                return
            future, chunk = window.popleft()
            try:
                docs = future.result()
            except BrokenProcessPool:
                yield from self._recover([(future, chunk), *window])
                window.clear()
                continue
            yield from docs

    def _recover(self, window: list) -> Iterator[Document]:
        """After a worker died: keep what was done, run the rest again one by one,
        so that an input that kills its worker again is known."""
        self.close(kill=True)
        for future, chunk in window:
            if future.done() and not future.cancelled() and future.exception() is None:
                yield from future.result()
                continue
            for item in chunk:
                try:
                    yield self._submit([item]).result()[0]
                except BrokenProcessPool:
                    self.close(kill=True)
                    yield Document(item.source, error={"type": "crash",
                                                       "message": "the worker process died"})

    def _submit(self, chunk: list[Input]) -> Future:
        if self._pool is None:
            self._pool = self._start_pool()
        try:
            return self._pool.submit(_run_chunk, chunk)
        except BrokenProcessPool as e:       # a worker died since: handled with the others
            future = Future()
            future.set_exception(e)
            return future

    def _start_pool(self) -> ProcessPoolExecutor:
        global _worker
        if sys.platform.startswith("linux"):
            context = multiprocessing.get_context("fork")
            _worker = (self.extractor, self.max_bytes)   # inherited: no rules to load again
        else:
            context = multiprocessing.get_context()
        pool = ProcessPoolExecutor(self._workers, mp_context=context, initializer=_start_worker,
                                   initargs=(self.patterns, self.max_bytes))
        # Start the workers with Ctrl-C ignored, so that only this process handles it.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            pool.submit(int).result()
        finally:
            signal.signal(signal.SIGINT, previous)
        return pool

    def close(self, kill: bool = False) -> None:
        """Stop the workers: let them finish (``kill=False``) or end them now."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not kill:
            pool.shutdown(wait=True)
            return
        # ProcessPoolExecutor cannot end running work before Python 3.14.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.terminate()
        for p in processes:
            p.join()


def _start_worker(patterns: tuple[str, ...], max_bytes: int) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker is None:
        _worker = (Extractor(patterns=patterns), max_bytes)


def _run_chunk(chunk: list[Input]) -> list[Document]:
    extractor, max_bytes = _worker
    return [process(item, extractor, max_bytes) for item in chunk]
