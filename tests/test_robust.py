"""Nothing one input can do stops a batch, loses another document's line, or
harms the machine.

Each case runs the command (``python -m vnstats extract``, as a shell script
would) on good articles with the bad input among them, with one worker and with
two, and checks that the good articles' lines are byte for byte those of a run
without the bad input, that the bad input has its own line, and that standard
error has one line for each problem and no traceback.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ROOT
from vnstats import extractor as extractor_module

SAMPLE = (ROOT / "samples" / "quang-yen-2017.txt").read_text(encoding="utf-8")
SHORT = "Toàn Đảng bộ kết nạp mới 171 đảng viên, đạt 100% kế hoạch.\n"
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
JOBS = ["1", "2"]


def vnstats(*args, stdout=subprocess.PIPE, timeout=300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vnstats", *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=ENV, timeout=timeout, **kw)


@pytest.fixture
def good(tmp_path) -> list[str]:
    """Two good articles: one before the bad input, one after it."""
    (tmp_path / "first.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "last.txt").write_text(SHORT, encoding="utf-8")
    return [str(tmp_path / "first.txt"), str(tmp_path / "last.txt")]


def batch_with(bad: str, good: list[str], jobs: str, *options: str) -> tuple[bytes, list[str], int]:
    """The bad input's line, the lines of standard error and the exit status of
    a batch with ``bad`` between the good articles, after checking that the good
    articles' lines are those of a clean run, byte for byte."""
    clean = vnstats("extract", "-j", jobs, *options, *good)
    assert clean.returncode == 0 and clean.stderr == b""
    run = vnstats("extract", "-j", jobs, *options, good[0], bad, good[1])
    lines = run.stdout.splitlines(keepends=True)
    assert len(lines) == 3, run.stderr
    assert [lines[0], lines[2]] == clean.stdout.splitlines(keepends=True)
    stderr = run.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    return lines[1], stderr.splitlines(), run.returncode


def one_problem(stderr: list[str], path: str, problem: str) -> None:
    assert stderr == [f"vnstats: {path}: {problem}"]


# 1. huge values -------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", JOBS)
@pytest.mark.parametrize("text", [
    "Năm nay có 1 " + "nghìn tỷ " * 480 + "người tham gia.\n",
    "Năm nay có " + "9" * 4301 + " người tham gia.\n",
], ids=["scale-words", "4301-digits"])
def test_a_huge_value_is_written_as_a_number(tmp_path, good, jobs, text):
    (tmp_path / "huge.txt").write_text(text, encoding="utf-8")
    line, stderr, status = batch_with(str(tmp_path / "huge.txt"), good, jobs)
    assert (stderr, status) == ([], 0)
    doc = json.loads(line, parse_int=Decimal, parse_float=Decimal)
    values = [f["value"] for f in doc["figures"]]
    assert values and all(isinstance(v, Decimal) for v in values)
    assert max(values) > Decimal(10) ** 4300
    assert b'"value": ' + str(max(values)).encode() in line             # all its digits, no quotes


FAILING_SCRIPT = textwrap.dedent("""
    import sys
    from vnstats import batch
    from vnstats.document import Document
    from vnstats.figure import Figure
    from vnstats.inputs import Input
    from vnstats.writers import Writer

    real = batch.process
    def failing(item, extractor, max_bytes):
        if item.source == "raises":
            raise MemoryError("out of memory")
        document = real(item, extractor, max_bytes)
        if item.source == "unwritable":
            document.figures.append(Figure("count", "x", 0, 1, float("nan")))
        return document
    batch.process = failing

    sample = sys.argv[2]
    names = [sample, "raises", sample, "unwritable", sample]
    writer = Writer(sys.stdout.buffer, flush=True)
    with batch.Batch(batch.Extractor(), jobs=int(sys.argv[1]), render=writer.options) as b:
        for doc in b.run(Input(n, path=sample) for n in names):
            doc = writer.write(doc)
            if doc.error:
                print(doc.source, doc.error["type"], doc.error["message"], file=sys.stderr)
""")


@pytest.mark.parametrize("jobs", JOBS)
def test_a_document_that_fails_to_extract_or_to_write_costs_only_its_line(good, jobs):
    if sys.platform != "linux":
        pytest.skip("the stand-in reaches the workers by fork")
    run = subprocess.run([sys.executable, "-c", FAILING_SCRIPT, jobs, good[0]], capture_output=True,
                         env=ENV, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines(keepends=True)
    clean = vnstats("extract", good[0]).stdout
    assert [lines[0], lines[2], lines[4]] == [clean] * 3
    assert [json.loads(lines[i])["error"]["type"] for i in (1, 3)] == ["internal", "internal"]
    assert run.stderr.decode().splitlines() == [
        "raises internal MemoryError: out of memory",
        "unwritable internal cannot write its figures: ValueError: nan is not a JSON number"]


# 2. output onto a device, output to a full disk -------------------------------------------

def test_output_onto_a_device_is_refused(good):
    run = vnstats("extract", "-o", os.devnull, good[0])
    assert run.returncode == 2 and run.stdout == b""
    assert b"/dev/null is not a regular file" in run.stderr and b"Traceback" not in run.stderr
    assert not Path(os.devnull).is_file()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("jobs", JOBS)
def test_a_full_disk_ends_with_one_line(good, jobs):
    with open("/dev/full", "wb") as full:
        run = vnstats("extract", "-j", jobs, *good, stdout=full)
    assert run.returncode == 1
    assert run.stderr.decode().splitlines() == [
        "vnstats: cannot write standard output: no space left on device"]


# 3. a document that runs too long --------------------------------------------------------

@pytest.mark.parametrize("jobs", JOBS)
def test_a_slow_document_times_out_and_the_batch_goes_on(tmp_path, good, jobs):
    # a number could start at each of its 4 million characters: minutes of work
    (tmp_path / "slow.txt").write_text("1." * 2_000_000, encoding="utf-8")
    line, stderr, status = batch_with(str(tmp_path / "slow.txt"), good, jobs, "--timeout", "1")
    assert status == 1
    assert json.loads(line)["error"] == {"type": "timeout",
                                         "message": "took longer than the time limit of 1 s"}
    one_problem(stderr, tmp_path / "slow.txt", "took longer than the time limit of 1 s")


# 4. memory ----------------------------------------------------------------------------

def _peak(extractor, text: str) -> int:
    tracemalloc.start()
    try:
        extractor.extract(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_text(extractor, monkeypatch):
    monkeypatch.setattr(extractor_module, "CHUNK_CHARS", 20_000)
    one = _peak(extractor, "1." * 10_000)                 # one piece's worth
    eight = _peak(extractor, "1." * 80_000)               # eight pieces
    assert eight < 1.5 * one


def test_long_texts_give_the_figures_of_their_paragraphs(extractor, monkeypatch):
    text = "\n\n".join([SAMPLE.strip()] * 6)
    whole = extractor.extract(text)
    monkeypatch.setattr(extractor_module, "CHUNK_CHARS", len(SAMPLE) + 100)
    pieces = extractor.extract(text)
    assert len(whole) > 60
    assert [f.to_dict() for f in pieces] == [f.to_dict() for f in whole]


@pytest.mark.parametrize("jobs", JOBS)
def test_a_text_of_numbers_everywhere_is_read_in_flat_memory(tmp_path, good, jobs):
    (tmp_path / "dots.txt").write_text("1." * 200_000, encoding="utf-8")
    line, stderr, status = batch_with(str(tmp_path / "dots.txt"), good, jobs, "--timeout", "0")
    assert (stderr, status) == ([], 0)
    assert json.loads(line)["figures"] == []


# 5. NFC and NFD ------------------------------------------------------------------------

MARKED = ["Có 6n ta\u0301\u031b người", "đạt 50%\u0301 dân số", "Có 148 buổi đối thoại, 한국 3 người",
          "Nhóm \u1112\u1161\u11ab có 12 người", "Có 7 ngu\u031b\u0300o\u031b\u0300i.",
          "thu hồi 930 \u11aba đất", "Độ ẩm 65-98%\u1161 trong 2 ngày", "tăng 1.888 tỷ đồng,\u0345tăng 35% so với năm 2015"]


def _same_place(nfc: str, nfd: str, a, b) -> bool:
    """Whether span ``a`` of ``nfc`` and ``b`` of ``nfd`` are the same text."""
    return (unicodedata.normalize("NFC", nfd[:b.start]) == nfc[:a.start]
            and unicodedata.normalize("NFC", nfd[b.start:b.end]) == nfc[a.start:a.end])


@pytest.mark.parametrize("text", MARKED)
def test_nfc_and_nfd_give_the_same_figures(extractor, text):
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    a, b = extractor.extract(nfc), extractor.extract(nfd)
    assert a and len(a) == len(b)
    for x, y, source in [(f, g, nfc) for f, g in zip(a, b)] + [(g, f, nfd) for f, g in zip(a, b)]:
        assert source[x.start:x.end] == x.text
        assert x.end == len(source) or unicodedata.combining(source[x.end]) == 0   # no mark cut off
    for f, g in zip(a, b):
        assert (f.kind, f.value, f.unit, f.noun) == (g.kind, g.value, g.unit, g.noun)
        assert _same_place(nfc, nfd, f, g)
        assert f.noun is None or unicodedata.is_normalized("NFC", f.noun)


@pytest.mark.parametrize("jobs", JOBS)
def test_marks_the_input_holds_cost_nothing_else(tmp_path, good, jobs):
    (tmp_path / "marks.txt").write_text(unicodedata.normalize("NFD", "\n".join(MARKED)), encoding="utf-8")
    line, stderr, status = batch_with(str(tmp_path / "marks.txt"), good, jobs)
    assert (stderr, status) == ([], 0)
    assert len(json.loads(line)["figures"]) >= len(MARKED)


# 6. a closed terminal, a killed main process ----------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _gone(pids: list[int], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
        if not alive:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum, status", [(signal.SIGHUP, 129), (signal.SIGKILL, -9)])
def test_a_hang_up_or_a_kill_leaves_no_file_and_no_worker(tmp_path, good, signum, status):
    out = tmp_path / "out" / "figures.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "vnstats", "extract", "-j", "2", "-o", str(out),
                             *[good[0]] * 3000], stderr=subprocess.PIPE, env=ENV)
    deadline = time.monotonic() + 300
    while not any(p.stat().st_size for p in out.parent.glob(".figures.jsonl.*.part")):   # writing
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) == 2
    os.kill(proc.pid, signum)
    stderr = proc.stderr.read()
    assert proc.wait(timeout=300) == status
    assert _gone(workers), "worker processes outlived the command"
    if signum == signal.SIGHUP:
        assert stderr == b""
        assert list(out.parent.iterdir()) == []


# 7. a few bad bytes -----------------------------------------------------------------------

@pytest.mark.parametrize("jobs", JOBS)
def test_a_few_bad_bytes_keep_the_figures_with_a_warning(tmp_path, good, jobs):
    data = SAMPLE.encode("utf-8")
    cut = data.index(b"\n")                                   # the end of the headline
    (tmp_path / "bad.txt").write_bytes(data[:cut] + b"\xff\xfe\xc3" + data[cut:])
    (tmp_path / "fine.txt").write_bytes(data[:cut] + b"???" + data[cut:])
    line, stderr, status = batch_with(str(tmp_path / "bad.txt"), good, jobs)
    assert status == 0
    one_problem(stderr, tmp_path / "bad.txt",
                f"warning: 3 invalid utf-8 sequences replaced with U+FFFD (the first at byte {cut})")
    doc = json.loads(line)
    fine = json.loads(vnstats("extract", str(tmp_path / "fine.txt")).stdout)
    assert doc["warnings"] == [{"type": "decode", "message": stderr[0].split("warning: ")[1]}]
    strip = lambda figs: [{k: v for k, v in f.items() if k != "sentence"} for f in figs]
    assert strip(doc["figures"]) == strip(fine["figures"]) and len(doc["figures"]) > 10


@pytest.mark.parametrize("jobs", JOBS)
def test_mostly_undecodable_text_is_an_error(tmp_path, good, jobs):
    (tmp_path / "noise.txt").write_bytes(b"\xff\xfe\x00\xd8" * 50 + "và 3 người".encode("utf-16-le"))
    line, stderr, status = batch_with(str(tmp_path / "noise.txt"), good, jobs)
    assert status == 1 and json.loads(line)["error"]["type"] == "decode"
    assert len(stderr) == 1 and "mostly undecodable" in stderr[0]


# 8. a FIFO ---------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", JOBS)
def test_a_fifo_on_the_command_line_does_not_block(tmp_path, good, jobs):
    os.mkfifo(tmp_path / "fifo")             # nobody writes to it: opening it to wait blocks
    line, stderr, status = batch_with(str(tmp_path / "fifo"), good, jobs)
    assert status == 1
    assert json.loads(line)["error"] == {"type": "unreadable", "message": "not a regular file (a FIFO)"}
    one_problem(stderr, tmp_path / "fifo", "not a regular file (a FIFO)")


# 9. an oversized user rule file -------------------------------------------------------------

def test_an_oversized_user_dictionary_is_refused_by_its_name(tmp_path, good):
    rules = tmp_path / "my_units.yaml"
    with open(rules, "w", encoding="utf-8") as f:
        f.write("dictionaries:\n  measure_unit:\n")
        f.writelines(f"    đơn vị số {i}: u{i}\n" for i in range(400_000))     # some 10 MB
    run = vnstats("extract", "--patterns", str(rules), good[0])
    assert run.returncode == 2 and run.stdout == b""
    stderr = run.stderr.decode()
    assert f"Error: {rules}: {rules.stat().st_size} bytes, over the limit of" in stderr
    assert "Traceback" not in stderr and "patterns/" not in stderr
