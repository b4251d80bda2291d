"""The pipeline: normalise → read the numbers → find candidates → resolve →
attach context.

One ``Extractor`` holds the compiled rules and the (lazily loaded) segmenter;
build it once and reuse it for every document of a process. What it builds
from the rule files is cached on disk (``rulecache``), so a new process gets
it in milliseconds.

A text longer than ``CHUNK_CHARS`` (a hundred news articles) is extracted in
pieces cut at paragraph breaks (at line breaks, or spaces, when it has none
near), so that the memory a document takes stays a small multiple of its
size however its characters fall.
"""
from __future__ import annotations

import sys
import unicodedata
from dataclasses import fields
from pathlib import Path
from typing import Iterable, Iterator

from .candidates import CandidateFinder, RuleTimeout
from .context import ContextBuilder
from .figure import Figure
from .numbers import NumberParser
from .reader import NumberReader
from .resolve import resolve
from .rulecache import cached
from .rules import RuleSet, builtin_patterns_dir

CHUNK_CHARS = 100_000


def _build(paths: list) -> tuple[RuleSet, NumberReader, CandidateFinder, ContextBuilder]:
    """Everything made from the rule files (cached on disk: see ``rulecache``)."""
    rules = RuleSet.load(paths)
    numbers = NumberParser(rules)
    return rules, NumberReader(rules, numbers), CandidateFinder(rules, numbers), ContextBuilder(rules)


class Extractor:
    def __init__(self, patterns: Iterable[str | Path] = (), builtin: bool = True):
        paths = ([builtin_patterns_dir()] if builtin else []) + list(patterns)
        self.rules, self.reader, self.finder, self.context = cached(paths, lambda: _build(paths))
        self.numbers = self.reader.parser
        for rule in self.rules.rules:
            if rule.whole:
                print(f"vnstats: {rule.where} {rule.id}: its pattern reads digits themselves (\\d), "
                      "so it runs over the whole text, more slowly; write its numbers as {number}",
                      file=sys.stderr)
        self.problems: list[Exception] = []   # rule timeouts of the last call

    def warm_up(self) -> None:
        """Load what is built on first use (the word segmenter, the readers of
        context) by extracting the rule files' own examples: worker processes
        forked after it share all that, and start at once."""
        text = "\n".join(example.text for example in self.rules.examples[:8])
        if text:
            self.extract(text)
        self.problems = []

    def extract(self, text: str) -> list[Figure]:
        """All figures of ``text``, in order, with offsets into ``text`` itself."""
        if len(text) <= CHUNK_CHARS:
            return self._extract(text)
        figures, problems = [], []
        for start, end in chunks(text, CHUNK_CHARS):
            figures += (_shifted(fig, start) for fig in self._extract(text[start:end]))
            problems += self.problems
        self.problems = problems
        return figures

    def _extract(self, text: str) -> list[Figure]:
        self.problems = []
        normalized, omap = self.rules.normalizer.normalize(text)
        try:
            read = self.reader.read(normalized)
        except TimeoutError:
            self.problems.append(RuleTimeout(self.reader.rule))
            return []
        excluded: list[tuple[int, int]] = []        # scores, then not-a-figure matches
        candidates = self.finder.candidates(read, self.problems, excluded)
        excluded += self.finder.exclusions(read, self.problems, [c.core for c in candidates])
        kept = resolve(candidates, excluded)
        return self.context.figures(text, normalized, omap, kept, self.problems)


def _shifted(fig: Figure, offset: int) -> Figure:
    """``fig`` found in a piece of text that starts at ``offset``, with its
    spans (its own, and those of what it is about) moved to index the whole."""
    fig.start += offset
    fig.end += offset
    for f in fields(fig):
        value = getattr(fig, f.name)
        if isinstance(value, dict) and isinstance(value.get("start"), int):
            setattr(fig, f.name, {**value, "start": value["start"] + offset, "end": value["end"] + offset})
    return fig


def chunks(text: str, size: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of ``text`` of at most ``size``
    characters, each cut after the last paragraph break in its second half,
    else the last line break, else the last space, else where no combining
    mark follows."""
    start, n = 0, len(text)
    while n - start > size:
        end = start + size
        low = start + size // 2
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, low, end)
            if cut >= 0:
                end = cut + len(sep)
                break
        else:
            while end > low and unicodedata.combining(text[end]):
                end -= 1
        yield start, end
        start = end
    yield start, n
