"""What an Extractor builds from its rule files is cached on disk, keyed by
their bytes (vnstats.rulecache): a hit gives the same extractor, any change
to a rule file builds afresh, and the cache can be turned off. It keeps only
the recently used entries, within a size; `vnstats cache` shows and clears it;
a first build says so on a terminal."""
from __future__ import annotations

import os
import pickle
import pty
import select
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from vnstats import Extractor, RuleError
from vnstats.cache_cli import cache as cache_command
from vnstats.rulecache import KEEP, MAX_AGE, cache_dir, cached_by, entries

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


# ------------------------------------------------------------ eviction


def _entry(folder, kind, n, age=0.0, size=10):
    path = folder / f"{kind}-{n:032x}.pickle"
    path.write_bytes(pickle.dumps(n) + bytes(size))
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_only_the_most_recently_used_entries_of_a_kind_are_kept(cache):
    cache.mkdir()
    old = [_entry(cache, "rules", n, age=1000 * (10 - n)) for n in range(6)]   # 5 the newest
    crf = _entry(cache, "crf", 99, age=50000)
    assert cached_by("rules", f"{7:032x}", lambda: "built") == "built"
    names = {p.name for p in entries(cache)}
    assert names == {f"rules-{n:032x}.pickle" for n in (7, 5, 4, 3)} | {crf.name}
    assert len([n for n in names if n.startswith("rules-")]) == KEEP
    assert not old[0].exists()


def test_a_hit_marks_the_entry_used_so_it_outlives_newer_ones(cache):
    cache.mkdir()
    first = _entry(cache, "rules", 1, age=5 * 86400)
    for n in (2, 3, 4):
        _entry(cache, "rules", n, age=86400)
    assert cached_by("rules", f"{1:032x}", lambda: "never built") == 1      # a hit, now used
    assert time.time() - first.stat().st_mtime < 60
    cached_by("rules", f"{5:032x}", lambda: "built")
    assert first.exists() and len(list(cache.glob("rules-*.pickle"))) == KEEP


def test_old_entries_and_dead_writes_go_and_the_whole_stays_small(cache, monkeypatch):
    cache.mkdir()
    stale = _entry(cache, "crf", 1, age=MAX_AGE + 10)
    dead = cache / ".rules-abc123.tmp"
    dead.write_bytes(b"half")
    os.utime(dead, (time.time() - 7200, time.time() - 7200))
    big = [_entry(cache, kind, n, age=100 * n, size=400) for n, kind in ((2, "crf"), (3, "other"))]
    monkeypatch.setattr("vnstats.rulecache.MAX_BYTES", 1000)
    cached_by("rules", f"{9:032x}", lambda: bytes(300))
    assert not stale.exists() and not dead.exists()
    assert big[0].exists() and not big[1].exists()          # the least recently used went first
    assert sum(p.stat().st_size for p in entries(cache)) <= 1000


def test_clear_removes_the_cache_files_and_nothing_else(cache):
    cache.mkdir()
    _entry(cache, "rules", 1)
    _entry(cache, "crf", 2)
    (cache / ".rules-x1.tmp").write_bytes(b"half")
    mine = cache / "notes.txt"
    mine.write_text("kept", encoding="utf-8")
    result = CliRunner().invoke(cache_command, ["clear"])
    assert result.exit_code == 0
    assert result.output.startswith(f"removed 3 files (") and result.output.endswith(f" from {cache}\n")
    assert list(cache.iterdir()) == [mine]
    assert CliRunner().invoke(cache_command, ["path"]).output == f"{cache}\n"


def test_cache_commands_when_it_is_off(monkeypatch):
    monkeypatch.setenv("VNSTATS_CACHE_DIR", "off")
    result = CliRunner().invoke(cache_command, ["path"])
    assert result.exit_code == 1 and "the cache is off" in result.stderr and result.stdout == ""
    assert "nothing to clear" in CliRunner().invoke(cache_command, ["clear"]).stderr


def test_the_default_place(monkeypatch, tmp_path):
    monkeypatch.delenv("VNSTATS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "vnstats"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() == tmp_path / ".cache" / "vnstats"


# ------------------------------------------------------------ the note on a terminal


def test_a_first_build_notes_itself_on_a_terminal_only(tmp_path):
    """Run as a user runs it, with standard error a terminal: the note shows
    while the rules are compiled, then is wiped; from the cache, no note."""
    env = dict(os.environ, VNSTATS_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    code = "from vnstats import Extractor; Extractor(); print('built')"

    def on_a_terminal() -> str:
        master, slave = pty.openpty()
        proc = subprocess.run([sys.executable, "-c", code], env=env, stderr=slave,
                              stdout=subprocess.PIPE, text=True, timeout=300)
        os.close(slave)
        assert proc.stdout == "built\n"
        out = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        return out.decode()

    first = on_a_terminal()
    assert first == (f"vnstats: compiling the rules once into the cache at {tmp_path / 'cache'} "
                     "(a few seconds)…\r\x1b[K")
    assert on_a_terminal() == ""


def test_no_note_when_standard_error_is_not_a_terminal(cache, capsys):
    assert cached_by("rules", "0" * 32, lambda: "built", note="compiling into {folder}") == "built"
    assert capsys.readouterr().err == ""
    assert list(cache.glob("rules-*.pickle"))
