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
