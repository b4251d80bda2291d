"""Running a batch: every input becomes one ``Document``, yielded in input order.

With one job, or one document, everything runs in this process. Otherwise the
documents go to worker processes, each with one ``Extractor`` that it reuses for
all its documents (on Linux the workers are forked and inherit this process's
extractor; elsewhere each builds its own). Workers get paths, not contents:
reading and decoding happen in the worker.

Each worker has its own pipe and at most ``IN_FLIGHT`` documents sent ahead; no
document is sent more than ``AHEAD_PER_WORKER`` × workers places ahead of the
next one to write. So memory stays flat however many documents there are, and
a slow document holds back the output, never the memory. Own pipes rather than
``multiprocessing.Pool``/``ProcessPoolExecutor``: with no shared queue and no
feeder thread, a worker can be ended at any moment (Ctrl-C, a closed pipe)
without leaving a lock or a half-read message behind, and a worker that dies
(killed, out of memory, crashed) is known with the document it had: that
document gets an error of type ``crash``, the others go to a fresh worker.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from dataclasses import replace
from itertools import chain, islice
from multiprocessing.connection import wait
from typing import Iterable, Iterator, Sequence

from . import writers
from .api import extract_bytes, extract_file
from .document import Document
from .extractor import Extractor
from .inputs import Input
from .reading import DEFAULT_MAX_BYTES

IN_FLIGHT = 2              # documents sent to a worker before its first answer
AHEAD_PER_WORKER = 8       # how far past the next document to write work may go


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
        return extract_bytes(item.data, item.source, extractor)
    except Exception as e:    # a bug must cost one document, not the batch
        return Document(item.source, error={"type": "internal", "message": f"{type(e).__name__}: {e}"})


class Batch:
    """Runs documents in this process or on ``jobs`` workers; use as a context
    manager so that the workers stop however the batch ends."""

    def __init__(self, extractor: Extractor, jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES,
                 patterns: Sequence[str] = (), render: tuple | None = None):
        """``render``: ``Writer.options``; workers then send each document back
        written out (``Document.rendered``), which spares this process the work."""
        self.extractor, self.jobs, self.max_bytes = extractor, jobs, max_bytes
        self.patterns = tuple(str(p) for p in patterns)
        self.render = render
        self._workers: list[_Worker] = []

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
                yield self._here(item)
            return
        yield from self._run_pool(chain(head, inputs), min(self.jobs, len(head)))

    def _here(self, item: Input) -> Document:
        return process(item, self.extractor, self.max_bytes)

    def _run_pool(self, inputs: Iterator[Input], workers: int) -> Iterator[Document]:
        self._workers = [self._start_worker() for _ in range(workers)]
        limit = workers * AHEAD_PER_WORKER
        todo: deque = deque()        # (number, input) to send, inputs taken back first
        done: dict = {}              # number → document, until its turn comes
        taken = written = 0
        exhausted = False
        while True:
            for worker in self._workers:
                while len(worker.tasks) < IN_FLIGHT:
                    if not todo:
                        if exhausted or taken - written >= limit:
                            break
                        item = next(inputs, None)
                        if item is None:
                            exhausted = True
                            break
                        todo.append((taken, item))
                        taken += 1
                    number, item = todo.popleft()
                    if item.path is None:     # stdin's bytes or an error: nothing to send
                        done[number] = self._here(item)
                    else:
                        worker.send(number, item)
            while written in done:
                yield done.pop(written)
                written += 1
            busy = [w for w in self._workers if w.tasks]
            if not busy:
                if exhausted and not todo:
                    return
                continue
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for i, worker in enumerate(self._workers):
                lost = worker.collect(done, ready)
                if lost is None:
                    continue
                if lost:                      # it died: its first document was the cause
                    number, item = lost.popleft()
                    done[number] = Document(item.source, error={
                        "type": "crash", "message": "the worker process died reading it"})
                    todo.extendleft(reversed(lost))
                self._workers[i] = self._start_worker()

    def _start_worker(self) -> "_Worker":
        if sys.platform.startswith("linux"):      # fork: the worker inherits the extractor
            context, extractor = multiprocessing.get_context("fork"), self.extractor
        else:
            context, extractor = multiprocessing.get_context(), None
        # Started with Ctrl-C ignored, so that only this process handles it.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            return _Worker(context, extractor, self.patterns, self.max_bytes, self.render)
        finally:
            signal.signal(signal.SIGINT, previous)

    def close(self, kill: bool = False) -> None:
        """Stop the workers: when they are done (``kill=False``) or now."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop(kill)


class _Worker:
    """One worker process, its pipe, and the documents sent to it, in order."""

    def __init__(self, context, extractor: Extractor | None, patterns: tuple, max_bytes: int,
                 render: tuple | None = None):
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(theirs, extractor, patterns, max_bytes, render))
        self.process.start()
        theirs.close()
        self.tasks: deque = deque()

    def send(self, number: int, item: Input) -> None:
        self.tasks.append((number, item))
        try:
            self.conn.send(item)
        except OSError:            # it has died: found by collect
            pass

    def collect(self, done: dict, ready: set) -> deque | None:
        """Move its answers into ``done``: the one ``ready`` (what ``wait``
        returned) says has come, or, if its process has ended, all there are.
        If it has died: the documents it had (the first of them the one it died
        on), and the process is gone. (Asking the pipe whether more has come
        costs as much as receiving a document.)"""
        try:
            if self.process.sentinel not in ready:
                if self.conn in ready:
                    self._receive(done)
                return None
            while self.conn.poll():
                self._receive(done)
        except (EOFError, OSError):
            self.stop(kill=True)
            return self.tasks
        return None

    def _receive(self, done: dict) -> None:
        document = self.conn.recv()
        number, _ = self.tasks.popleft()
        done[number] = document

    def stop(self, kill: bool) -> None:
        if kill or self.tasks:
            self.process.terminate()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join()
        self.conn.close()


def _serve(conn, extractor: Extractor | None, patterns: tuple, max_bytes: int,
           render: tuple | None = None) -> None:
    """A worker: one extractor, documents in, documents out (written out, with
    ``render``), until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C is for the parent to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)       # terminate() ends it, even mid-match
    if extractor is None:
        extractor = Extractor(patterns=patterns)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        document = process(item, extractor, max_bytes)
        if render is not None:
            document = _rendered(document, render)
        conn.send(document)


def _rendered(document: Document, render: tuple) -> Document:
    """The document as written out, without its figures (see ``Document.rendered``)."""
    try:
        text = writers.render(document, render)
    except Exception:          # left to the writer, which will say what went wrong
        return document
    return replace(document, figures=[], rendered=(render, text, len(document.figures)))
