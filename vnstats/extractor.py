"""The pipeline: normalise → find candidates → resolve → attach context.

One ``Extractor`` holds the compiled rules and the (lazily loaded) segmenter;
build it once and reuse it for every document of a process. What it builds
from the rule files is cached on disk (``rulecache``), so a new process gets
it in milliseconds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .candidates import CandidateFinder
from .context import ContextBuilder
from .figure import Figure
from .numbers import NumberParser
from .resolve import resolve
from .rulecache import cached
from .rules import RuleSet, builtin_patterns_dir


def _build(paths: list) -> tuple[RuleSet, NumberParser, CandidateFinder, ContextBuilder]:
    """Everything made from the rule files (cached on disk: see ``rulecache``)."""
    rules = RuleSet.load(paths)
    numbers = NumberParser(rules)
    return rules, numbers, CandidateFinder(rules, numbers), ContextBuilder(rules)


class Extractor:
    def __init__(self, patterns: Iterable[str | Path] = (), builtin: bool = True):
        paths = ([builtin_patterns_dir()] if builtin else []) + list(patterns)
        self.rules, self.numbers, self.finder, self.context = cached(paths, lambda: _build(paths))
        self.problems: list[Exception] = []   # rule timeouts of the last call

    def extract(self, text: str) -> list[Figure]:
        """All figures of ``text``, in order, with offsets into ``text`` itself."""
        self.problems = []
        normalized, omap = self.rules.normalizer.normalize(text)
        excluded: list[tuple[int, int]] = []        # scores, then not-a-figure matches
        candidates = self.finder.candidates(normalized, self.problems, excluded)
        excluded += self.finder.exclusions(normalized, self.problems, [c.core for c in candidates])
        kept = resolve(candidates, excluded)
        return self.context.figures(text, normalized, omap, kept, self.problems)
