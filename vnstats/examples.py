"""Running the ``examples:`` of rule files: the corpus every rule carries.

Each example is a text and the figures the *whole* rule set must find in it,
in order; an expected figure lists only the fields it cares about. An example
under a rule expects that rule to have produced its figures unless it names
another ``rule:``. ``figures: []`` means the text must give nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .extractor import Extractor
from .rules import Example


@dataclass
class ExampleFailure:
    example: Example
    problem: str

    def __str__(self) -> str:
        where = f"{self.example.file}:{self.example.line}" if self.example.line else self.example.file
        rule = f" {self.example.rule_id}" if self.example.rule_id else ""
        return f"{where}{rule}: {self.problem}"


def _same(expected, got) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) \
            and isinstance(got, (int, float)):
        return math.isclose(expected, got, rel_tol=1e-6, abs_tol=1e-9)
    return expected == got


def check_example(extractor: Extractor, example: Example) -> str | None:
    """``None`` if the example holds, else what went wrong, in one line."""
    if example.number is not None:
        return _check_number(extractor, example)
    figures = [f.to_dict() for f in extractor.extract(example.text)]
    if extractor.problems:
        return "a rule timed out: " + "; ".join(str(p) for p in extractor.problems)
    expected = example.figures
    if len(figures) != len(expected):
        got = ", ".join(f"{f['kind']} {f['value']} {f['text']!r} ({f['rule']})" for f in figures) or "nothing"
        return f"expected {len(expected)} figure(s) in {example.text!r}, got {got}"
    for i, (want, fig) in enumerate(zip(expected, figures), 1):
        want = dict(want)
        if example.rule_id and "rule" not in want:
            want["rule"] = example.rule_id
        for key, value in want.items():
            if key not in fig:
                return f"expected a field {key!r} in figure {i}, got no such field"
            if not _same(value, fig[key]):
                return (f"expected {key}={value!r} in figure {i} of {example.text!r}, "
                        f"got {fig[key]!r} ({fig['text']!r}, {fig['rule']})")
    return None


def _check_number(extractor: Extractor, example: Example) -> str | None:
    """A number example: the reader reads the whole text as one number of the
    value given, or (``none``) finds no number in it."""
    text, _ = extractor.rules.normalizer.normalize(example.text)
    read = extractor.reader.read(text)
    found = ", ".join(f"{text[s:e]!r} = {read.values[s, e].value}" for s, e in read.spans) or "no number"
    if example.number == "none":
        return None if not read.spans else f"expected no number in {example.text!r}, read {found}"
    whole = (len(text) - len(text.lstrip()), len(text.rstrip()))
    if read.spans != [whole] or not _same(example.number, float(read.values[whole].value)):
        return f"expected {example.text!r} to read as the number {example.number}, read {found}"
    return None


def run_examples(extractor: Extractor, examples: list[Example] | None = None) -> tuple[int, list[ExampleFailure]]:
    """Check examples (all of the extractor's rule set by default): ``(count, failures)``."""
    examples = extractor.rules.all_examples() if examples is None else examples
    failures = []
    for ex in examples:
        problem = check_example(extractor, ex)
        if problem:
            failures.append(ExampleFailure(ex, problem))
    return len(examples), failures
