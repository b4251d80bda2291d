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

A document may run for at most ``timeout`` seconds: one that takes longer has
its worker ended, gets an error of type ``timeout``, and the others go to a
fresh worker. With a time limit even one job, or one document, runs on a
worker, so that nothing but the clock stops it. Workers end with the main
process, however it ends (on Linux the kernel ends them, ``PR_SET_PDEATHSIG``;
elsewhere their pipe closes), and none holds another's pipe open.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
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
DEFAULT_TIMEOUT = 60.0     # seconds a document may take on the command line (0: no limit)


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
        return _failed(item, e)


def _safely(item: Input, extractor: Extractor, max_bytes: int) -> Document:
    """``process``, and whatever it raises (run out of memory, a stand-in) as
    the document's error."""
    try:
        return process(item, extractor, max_bytes)
    except Exception as e:
        return _failed(item, e)


def _failed(item: Input, e: Exception) -> Document:
    message = (str(e).strip().splitlines() or ["no message"])[0][:200]
    return Document(item.source, error={"type": "internal", "message": f"{type(e).__name__}: {message}"})


class Batch:
    """Runs documents in this process or on ``jobs`` workers; use as a context
    manager so that the workers stop however the batch ends."""

    def __init__(self, extractor: Extractor, jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES,
                 patterns: Sequence[str] = (), render: tuple | None = None, timeout: float = 0):
        """``render``: ``Writer.options``; each document then comes written out
        (``Document.rendered``; by the worker, which spares this process the
        work), or as the error of writing it. ``timeout``: seconds a document
        may take (0: no limit)."""
        self.extractor, self.jobs, self.max_bytes = extractor, jobs, max_bytes
        self.patterns = tuple(str(p) for p in patterns)
        self.render = render
        self.timeout = timeout
        self._workers: list[_Worker] = []

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(kill=exc_type is not None)

    def run(self, inputs: Iterable[Input]) -> Iterator[Document]:
        """The document of every input, in input order."""
        inputs = iter(inputs)
        head = list(islice(inputs, self.jobs + 1))
        if not self.timeout and (self.jobs <= 1 or len(head) <= 1):   # no workers needed
            for item in chain(head, inputs):
                yield self._here(item)
            return
        if head:
            yield from self._run_pool(chain(head, inputs), max(1, min(self.jobs, len(head))))

    def _here(self, item: Input) -> Document:
        return self._finished(_safely(item, self.extractor, self.max_bytes))

    def _finished(self, document: Document) -> Document:
        """``document`` as this batch hands it out: written out, with ``render``."""
        return document if self.render is None else writers.safely_rendered(document, self.render)

    def _run_pool(self, inputs: Iterator[Input], workers: int) -> Iterator[Document]:
        if sys.platform.startswith("linux") and self.extractor is not None:
            self.extractor.warm_up()          # once, here, rather than in every worker
        self._workers = []
        for _ in range(workers):
            self._workers.append(self._start_worker())
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
                    if item.error is not None:     # nothing to send
                        done[number] = self._finished(Document(item.source, error=item.error))
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
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             self._time_left(busy)))
            for i, worker in enumerate(self._workers):
                lost = worker.collect(done, ready)
                error = {"type": "crash", "message": "the worker process died reading it"}
                if lost is None and self._overdue(worker):
                    worker.stop(kill=True)
                    lost = worker.tasks
                    error = {"type": "timeout",
                             "message": f"took longer than the time limit of {self.timeout:g} s"}
                if lost is None:
                    continue
                if lost:                      # its first document was the cause
                    number, item = lost.popleft()
                    done[number] = self._finished(Document(item.source, error=error))
                    todo.extendleft(reversed(lost))
                self._workers[i] = self._start_worker()

    def _time_left(self, busy: list) -> float | None:
        """Seconds until the first of ``busy`` runs out of time (None: no limit,
        or none has started its documents yet)."""
        timed = [w for w in busy if w.ready]
        if not self.timeout or not timed:
            return None
        now = time.monotonic()
        return max(0.0, min(w.started + self.timeout - now for w in timed))

    def _overdue(self, worker: "_Worker") -> bool:
        return bool(self.timeout and worker.ready and worker.tasks
                    and time.monotonic() - worker.started >= self.timeout)

    def _start_worker(self) -> "_Worker":
        if sys.platform.startswith("linux"):      # fork: the worker inherits the extractor
            context, extractor = multiprocessing.get_context("fork"), self.extractor
        else:
            context, extractor = multiprocessing.get_context(), None
        # Started with Ctrl-C ignored, so that only this process handles it;
        # a forked worker closes its copies of the other workers' pipes.
        others = tuple(w.conn.fileno() for w in self._workers
                       if not w.conn.closed) if extractor is not None else ()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            return _Worker(context, extractor, self.patterns, self.max_bytes, self.render, others)
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
                 render: tuple | None = None, others: tuple = ()):
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(theirs, extractor, patterns, max_bytes, render, os.getpid(),
                                             others + (self.conn.fileno(),) if extractor is not None else ()))
        self.process.start()
        theirs.close()
        self.tasks: deque = deque()
        self.started = time.monotonic()     # when the document it is on began
        self.ready = False                  # it says so once it has warmed up

    def send(self, number: int, item: Input) -> None:
        if not self.tasks:
            self.started = time.monotonic()
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
        if document is None:                # ready: the clock starts now
            self.ready, self.started = True, time.monotonic()
            return
        number, _ = self.tasks.popleft()
        done[number] = document
        self.started = time.monotonic()

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
           render: tuple | None = None, parent: int | None = None, inherited: tuple = ()) -> None:
    """A worker: one extractor, documents in, documents out (written out, with
    ``render``), until told to stop or its parent ``parent`` is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C is for the parent to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)       # terminate() ends it, even mid-match
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _end_with(parent)
    for fd in inherited:               # the parent's ends of the pipes: only it may hold them
        try:
            os.close(fd)
        except OSError:
            pass
    if extractor is None:
        extractor = Extractor(patterns=patterns)
    extractor.warm_up()                # at once when forked from a warm parent
    try:
        conn.send(None)                # ready
    except OSError:
        return
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        document = _safely(item, extractor, max_bytes)
        if render is not None:
            document = writers.safely_rendered(document, render)
        try:
            conn.send(document)
        except OSError:                # the parent is gone
            return


def _end_with(parent: int | None) -> None:
    """Have the kernel end this process when its parent ends (Linux), and end
    now if that has happened already."""
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(0)


_PR_SET_PDEATHSIG = 1
