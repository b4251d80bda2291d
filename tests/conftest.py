"""Shared fixtures: one extractor per test session, and the dev articles when present."""
from __future__ import annotations

from pathlib import Path

import pytest

from vnstats.extractor import Extractor

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"
DEV = SHARED_EVAL / "dev"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def dev_articles() -> list[Path]:
    """The real articles with gold figures; the test skips where they are absent."""
    files = sorted(DEV.glob("*.txt")) if DEV.is_dir() else []
    if not files:
        pytest.skip("../shared/eval/dev is not present")
    return files


@pytest.fixture(scope="session")
def sample_texts(extractor) -> list[str]:
    """Every rule example's text, and the first 20 dev articles when present:
    what the prefilter tests check that no match is lost on."""
    texts = [ex.text for ex in extractor.rules.all_examples()]
    if DEV.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))[:20]]
    return texts


@pytest.fixture(scope="session")
def sample_reads(extractor, sample_texts) -> list:
    """``sample_texts`` normalised and read by the number reader (``ReadText``)."""
    return [extractor.reader.read(extractor.rules.normalizer.normalize(text)[0]) for text in sample_texts]
