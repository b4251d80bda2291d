"""What an Extractor builds from its rule files is cached on disk, keyed by
their bytes (vnstats.rulecache): a hit gives the same extractor, any change
to a rule file builds afresh, and the cache can be turned off."""
from __future__ import annotations

import pytest

from vnstats import Extractor, RuleError
from vnstats.rulecache import cache_dir

TEXT = "Toàn Đảng bộ kết nạp mới 171 đảng viên, đạt 100% kế hoạch, thu 3.500 tỷ đồng."
UNIT = """\
dictionaries:
  measure_unit:
    dặm: mi
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("VNSTATS_CACHE_DIR", str(folder))
    return folder


def _figures(extractor):
    return [f.to_dict() for f in extractor.extract(TEXT + " Xe chạy 300 dặm.")]


def test_a_cache_hit_extracts_the_same(cache):
    first = _figures(Extractor())
    assert len(list(cache.glob("rules-*.pickle"))) == 1
    assert _figures(Extractor()) == first
    assert len(list(cache.glob("rules-*.pickle"))) == 1


def test_a_changed_rule_file_is_read_again(cache, tmp_path):
    units = tmp_path / "units.yaml"
    units.write_text("dictionaries: {}\n", encoding="utf-8")
    before = _figures(Extractor(patterns=[units]))
    units.write_text(UNIT, encoding="utf-8")
    after = _figures(Extractor(patterns=[units]))
    assert [f["unit"] for f in after if f["value"] == 300] == ["mi"] != \
        [f["unit"] for f in before if f["value"] == 300]
    assert len(list(cache.glob("rules-*.pickle"))) == 2


def test_a_bad_rule_file_is_never_cached(cache, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [{id: x, pattern: '(('}]\nkind: count\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError):
            Extractor(patterns=[bad])


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("VNSTATS_CACHE_DIR", "off")
    assert cache_dir() is None
    assert _figures(Extractor())


def test_an_unreadable_cache_is_ignored(cache):
    first = _figures(Extractor())
    for path in cache.glob("rules-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert _figures(Extractor()) == first
