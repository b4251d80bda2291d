"""The extract command: usage errors, standard input, lists of paths, CSV, -o,
the progress line, a closed pipe and Ctrl-C."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from vnstats.cli import main
from vnstats.writers import CSV_COLUMNS, AtomicFile

SAMPLE = str(ROOT / "samples" / "quang-yen-2017.txt")
SHORT = "Toàn Đảng bộ kết nạp mới 171 đảng viên, đạt 100% kế hoạch.\n"


def extract(*args, input=None):
    return CliRunner().invoke(main, ["extract", "-j", "1", *args], input=input)


def command(*args) -> list[str]:
    return [sys.executable, "-m", "vnstats", "extract", *args]


ENV = dict(os.environ, PYTHONPATH=str(ROOT))


@pytest.mark.parametrize("args, message", [
    ([], "no input"),
    (["-", "-"], "standard input can be read only once"),
    (["-", "--files-from", "-"], "standard input can be read only once"),
    (["--null", SAMPLE], "--null describes the list of --files-from"),
    (["--glob", "*.txt", SAMPLE], "use them with -r"),
    (["--pretty", "--format", "csv", SAMPLE], "--pretty indents JSON"),
    (["--excel", "--format", "jsonl", SAMPLE], "--excel writes CSV"),
    (["--max-bytes", "lots", SAMPLE], "is not a size in bytes"),
    (["-j", "0", SAMPLE], "0 is not in the range"),
    (["-o", "/nonexistent/folder/out.jsonl", SAMPLE], "cannot write"),
])
def test_usage_errors_exit_2(args, message):
    result = extract(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_standard_input_is_a_document():
    result = extract("-", input=SHORT.encode("utf-8"))
    assert result.exit_code == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert (doc["source"], doc["encoding"]) == ("-", "utf-8")
    assert [(f["kind"], f["value"]) for f in doc["figures"]] == [("count", 171), ("percent", 100)]


def test_list_of_paths_one_per_line(tmp_path):
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "list").write_text(f"{SAMPLE}\n\n{tmp_path / 'a.txt'}\n{tmp_path / 'gone.txt'}\n")
    result = extract("--files-from", str(tmp_path / "list"))
    assert result.exit_code == 1
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["source"] for d in docs] == [SAMPLE, str(tmp_path / "a.txt"), str(tmp_path / "gone.txt")]
    assert docs[2]["error"] == {"type": "unreadable", "message": "no such file"}
    assert result.stderr == f"vnstats: {tmp_path / 'gone.txt'}: no such file\n"


def test_max_bytes_takes_units(tmp_path):
    (tmp_path / "a.txt").write_text(SHORT * 20, encoding="utf-8")
    result = extract("--max-bytes", "1k", str(tmp_path / "a.txt"))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["type"] == "too_large"


def _cell(figure: dict, column: str):
    """A CSV cell from the JSON figure: spans as their text, a period's dates apart."""
    if column in ("period_from", "period_to"):
        return (figure["period"] or {}).get(column.split("_")[1])
    value = figure[column]
    return value["text"] if isinstance(value, dict) else value


def test_csv_has_one_row_per_figure(tmp_path):
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = extract("--format", "csv", SAMPLE, str(tmp_path / "a.txt"), str(tmp_path / "empty.txt"),
                     str(tmp_path / "gone.txt"))
    assert result.exit_code == 1                                      # gone.txt: stderr only
    assert result.stderr == f"vnstats: {tmp_path / 'gone.txt'}: no such file\n"
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    jsonl = [json.loads(line) for line in extract(SAMPLE, str(tmp_path / "a.txt")).stdout.splitlines()]
    expected = [[doc["source"]] + ["" if _cell(f, c) is None else str(_cell(f, c)) for c in CSV_COLUMNS[1:]]
                for doc in jsonl for f in doc["figures"]]
    assert rows[1:] == expected and len(expected) > 10


def test_excel_csv_starts_with_a_bom(tmp_path):
    out = tmp_path / "figures.csv"
    result = extract("--excel", "-o", str(out), "-", input=SHORT.encode("utf-8"))
    assert result.exit_code == 0 and result.stdout == ""
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsource,kind,value,upper,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [(r["kind"], r["value"], r["noun"]) for r in rows] == [
        ("count", "171", "đảng viên"), ("percent", "100", "kế hoạch")]


def test_excel_csv_keeps_formulas_from_running(tmp_path):
    """A bulleted paragraph ("- Theo …") or a negative figure ("-5%") would be
    taken for a formula by a spreadsheet: with --excel such text cells start with
    an apostrophe; plain CSV keeps the text as it is."""
    text = "- Giá giảm -5% so với tháng trước.\n=Xã có 12 hộ nghèo.\n"
    out, plain = tmp_path / "excel.csv", tmp_path / "plain.csv"
    assert extract("--excel", "-o", str(out), "-", input=text.encode("utf-8")).exit_code == 0
    assert extract("--format", "csv", "-o", str(plain), "-", input=text.encode("utf-8")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    raw = list(csv.DictReader(io.StringIO(plain.read_text(encoding="utf-8"), newline="")))
    assert [(r["text"], r["sentence"][:6]) for r in raw] == [("-5%", "- Giá "), ("12 hộ nghèo", "=Xã có")]
    assert [(r["text"], r["sentence"][:7]) for r in rows] == [("'-5%", "'- Giá "), ("12 hộ nghèo", "'=Xã có")]
    assert [r["value"] for r in rows] == [r["value"] for r in raw] == ["-5", "12"]


def test_output_file_is_replaced_whole(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    result = extract("-o", str(out), SAMPLE, "-", input=SHORT.encode("utf-8"))
    assert result.exit_code == 0 and result.stdout == ""
    assert [json.loads(line)["source"] for line in out.read_text().splitlines()] == [SAMPLE, "-"]
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_atomic_file_left_alone_when_writing_fails(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        with AtomicFile(str(out)) as f:
            f.write(b"half of a ")
            raise KeyboardInterrupt
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_help_shows_examples():
    result = CliRunner().invoke(main, ["extract", "--help"])
    assert result.exit_code == 0
    assert "--files-from - --null" in result.output and "Exit status" in result.output


def test_closed_pipe_ends_quietly():
    proc = subprocess.Popen(command("-j", "2", *[SAMPLE] * 200), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    assert json.loads(proc.stdout.readline())["source"] == SAMPLE      # … | head -1
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=300) == 141
    assert stderr == b""


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_stops_the_workers_and_leaves_no_file(tmp_path, signum, status):
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(command("-j", "2", "-o", str(out), *[SAMPLE] * 2000),
                            stderr=subprocess.PIPE, env=ENV, start_new_session=True,
                            # even where the tests run with Ctrl-C ignored (a background job)
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while not any(p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.part")):   # writing
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)           # as a terminal does: the whole process group
    else:
        os.kill(proc.pid, signum)             # as kill does: the command alone
    stderr = proc.stderr.read()
    assert proc.wait(timeout=300) == status
    assert stderr == b""
    assert list(tmp_path.iterdir()) == []
    while time.monotonic() < deadline:        # and no worker is left running
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("worker processes outlived the command")


def _stderr_on_a_terminal(*args) -> bytes:
    master, slave = pty.openpty()
    proc = subprocess.Popen(command(*args), stdout=subprocess.DEVNULL, stderr=slave, env=ENV)
    os.close(slave)
    seen = b""
    while True:
        try:
            block = os.read(master, 4096)
        except OSError:                       # EIO: the command closed the terminal
            break
        if not block:
            break
        seen += block
    os.close(master)
    assert proc.wait(timeout=300) == 0
    return seen


def test_progress_line_on_a_terminal_only_for_batches(tmp_path):
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    files = [SAMPLE, str(tmp_path / "a.txt")]
    shown = _stderr_on_a_terminal("-j", "1", *files)
    assert re.search(rb"\rvnstats: 2/2 files, [1-9][0-9]* figures, [0-9.]+ files/s, 0:00 left", shown)
    # cleared at the end, for a summary: documents, figures by kind, errors, time
    assert re.search(rb"\r\x1b\[Kvnstats: 2 documents, ([1-9][0-9]*) figures \(count [1-9][0-9]*, "
                     rb"percent [1-9][0-9]*[^)]*\), 0 errors, 0:[0-9][0-9]\r?\n$", shown)
    assert _stderr_on_a_terminal("-q", "-j", "1", *files) == b""
    assert _stderr_on_a_terminal(SAMPLE) == b""               # one file: no bar


def test_kinds_and_fields_choose_what_is_written(tmp_path):
    both = [json.loads(line) for line in extract(SAMPLE).stdout.splitlines()][0]["figures"]
    picked = json.loads(extract("--kind", "percent,count", "--fields", "value,kind,noun", SAMPLE).stdout)
    assert picked["figures"] == [{"value": f["value"], "kind": f["kind"], "noun": f["noun"]}
                                 for f in both if f["kind"] in ("percent", "count")]
    assert {f["kind"] for f in picked["figures"]} == {"percent", "count"}
    rows = list(csv.reader(io.StringIO(extract("--format", "csv", "--kind", "count", "--fields", "noun,value",
                                               SAMPLE).stdout, newline="")))
    assert rows[0] == ["source", "noun", "value"]
    assert rows[1:] == [[SAMPLE, f["noun"] or "", str(f["value"])] for f in both if f["kind"] == "count"]
    short = json.loads(extract("--no-sentence", SAMPLE).stdout)
    assert [list(f) for f in short["figures"]] == [[k for k in f if k != "sentence"] for f in both]
    header = extract("--format", "csv", "--no-sentence", SAMPLE).stdout.splitlines()[0].split(",")
    assert "sentence" not in header and {"numerator", "denominator", "rule"} <= set(header)
    for args in (["--kind", "dates"], ["--fields", "kind,colour"], ["--format", "csv", "--fields", "schema"]):
        result = extract(*args, SAMPLE)
        assert result.exit_code == 2 and "no " in result.stderr, args


def test_csv_has_the_parts_of_a_fraction_and_the_rule():
    result = extract("--format", "csv", "-", input="Có 11/19 xã, phường đã hoàn thành.".encode("utf-8"))
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout, newline="")) if r["kind"] == "fraction")
    assert (row["numerator"], row["denominator"], row["rule"].split(".")[0]) == ("11", "19", "fraction")


def test_resume_keeps_what_was_written_and_finishes_the_rest(tmp_path):
    names = []
    for i in range(6):
        (tmp_path / f"a{i}.txt").write_text(SHORT if i % 2 else "Có 3 xã và 1.200 hộ dân.", encoding="utf-8")
        names.append(str(tmp_path / f"a{i}.txt"))
    full = extract(*names).stdout_bytes
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"".join(full.splitlines(keepends=True)[:2]) + full.splitlines()[2][:30])  # cut short
    result = extract("--resume", "-o", str(out), *names)
    assert result.exit_code == 0 and result.stderr == ""
    assert out.read_bytes() == full
    again = extract("--resume", "-o", str(out), *names)                  # nothing left to do
    assert again.exit_code == 0 and out.read_bytes() == full
    (tmp_path / "other.jsonl").write_text("not json\nmore\n")
    assert extract("--resume", "-o", str(tmp_path / "other.jsonl"), *names).exit_code == 2
    assert extract("--resume", *names).exit_code == 2                     # no -o
    assert extract("--resume", "--format", "csv", "-o", str(out), *names).exit_code == 2


def test_an_interrupted_resumable_run_keeps_its_documents(tmp_path):
    out = tmp_path / "out.jsonl"
    names = []
    for i in range(300):
        (tmp_path / f"a{i:03}.txt").symlink_to(SAMPLE)
        names.append(str(tmp_path / f"a{i:03}.txt"))
    proc = subprocess.Popen(command("-j", "2", "--resume", "-o", str(out), *names), stderr=subprocess.PIPE, env=ENV)
    deadline = time.monotonic() + 300
    while not any(p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.part")):   # writing
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGTERM)
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 143
    kept = out.read_bytes().splitlines()
    assert 0 < len(kept) < 300 and all(json.loads(line)["source"] in names for line in kept)
    assert re.fullmatch(rf"vnstats: interrupted: {len(kept)} documents kept in {re.escape(str(out))}; "
                        r"run again with --resume to finish\n", stderr)
    finished = subprocess.run(command("-j", "2", "--resume", "-o", str(out), *names), capture_output=True,
                              env=ENV, timeout=600)
    assert finished.returncode == 0
    assert [json.loads(line)["source"] for line in out.read_bytes().splitlines()] == names
