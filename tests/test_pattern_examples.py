"""Every example of every rule file holds (the Duckling-style corpus)."""
from __future__ import annotations

import pytest

from vnstats.examples import check_example
from vnstats.extractor import Extractor

_EXAMPLES = Extractor().rules.all_examples()


@pytest.mark.parametrize(
    "example", _EXAMPLES,
    ids=[f"{e.file.rsplit('/', 1)[-1]}:{e.line}" for e in _EXAMPLES])
def test_example(extractor, example):
    problem = check_example(extractor, example)
    assert problem is None, problem


def test_every_rule_has_examples(extractor):
    bare = [r.id for r in extractor.rules.rules if not r.examples]
    assert not bare, f"figure rules without examples: {bare}"
