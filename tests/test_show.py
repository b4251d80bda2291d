"""``vnstats show`` on a terminal: every figure marked in its article, a colour
per kind with its value and unit beside it, plain marks in a pipe, the article's
control characters never reaching the terminal. The last test runs it in a real
terminal (tmux) and reads the screen."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import uuid

import pytest
from click.testing import CliRunner

import vnstats
from tests.conftest import ROOT
from vnstats.show import COLOURS, label, wrap
from vnstats.show_cli import show

SAMPLE = ROOT / "samples" / "quang-yen-2017.txt"
PLAIN_MARK = re.compile(r"\[\[(.*?) \| (\w+) ([^\]]*)\]\]", re.DOTALL)
SGR = re.compile(r"\x1b\[[0-9;]*m")


def run(*args, input=None):
    return CliRunner().invoke(show, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def sample():
    text = SAMPLE.read_text(encoding="utf-8")
    return text, vnstats.extract(text)


def test_plain_marks_hold_every_figure_and_nothing_else(sample):
    text, figures = sample
    result = run(SAMPLE)
    assert result.exit_code == 0, result.output
    head, body = result.output.split("\n\n", 1)
    assert head == "14 figures: count 10, percent 3, fraction 1" and len(figures) == 14
    marks = PLAIN_MARK.findall(body)
    assert [(m[0], m[1], m[2]) for m in marks] == [(f.text, f.kind, label(f)) for f in figures]
    assert ("148 buổi đối thoại", "count", "148 buổi") in marks
    assert ("11/19 xã", "fraction", "11/19") in marks
    # without its marks the output is the article itself
    assert PLAIN_MARK.sub(r"\1", body).rstrip("\n") == text.rstrip("\n")
    assert "\x1b" not in result.output


def test_rule_ids_on_request(sample):
    _, figures = sample
    marks = PLAIN_MARK.findall(run("--rules", SAMPLE).output)
    assert [m[2] for m in marks] == [f"{label(f)} · {f.rule}" for f in figures]
    assert "148 buổi · count.digits" in [m[2] for m in marks]


def test_colours_by_kind_with_value_and_unit_beside(sample):
    _, figures = sample
    out = run("--color", "always", SAMPLE).output
    for fig in figures:
        code = COLOURS[fig.kind]
        assert f"\x1b[1;{code};4m{fig.text}\x1b[0m\x1b[{code}m\x1b[2m⟨{label(fig)}⟩\x1b[0m" in out
    assert COLOURS["count"] != COLOURS["percent"] != COLOURS["fraction"]
    assert "[[" not in out


def test_labels_of_each_kind():
    figures = {f.text: label(f) for f in vnstats.extract(
        "Thu khoảng 3.500 tỷ đồng, đạt 10-15%, gấp 3 lần; 500 ha đất và 2/3 diện tích. "
        "Lợi nhuận tăng 15%, chi phí giảm 2 tỷ đồng.")}
    assert figures["3.500 tỷ đồng"] == "≈3500000000000 VND"          # qualifier "about"
    assert figures["10-15%"] == "10–15%"
    assert figures["gấp 3 lần"] == "×3"
    assert figures["500 ha"] == "500 ha"
    assert figures["2/3 diện tích"] == "2/3"
    assert figures["15%"] == "↑15%" and figures["2 tỷ đồng"] == "↓2000000000 VND"   # changes


def test_control_characters_of_an_article_never_reach_the_terminal(tmp_path):
    article = tmp_path / "evil.txt"
    article.write_text("Tin \x1b]0;owned\x07 giả \x1b[2J: 148 buổi đối thoại\u202e.\r\nHết.\n",
                       encoding="utf-8")
    plain = run(article).output
    assert "\x1b" not in plain and "\x07" not in plain and "\u202e" not in plain
    assert "\\x1b]0;owned\\x07" in plain and "\\x1b[2J" in plain and "\\u202e" in plain
    assert "[[148 buổi đối thoại | count 148 buổi]]" in plain and "\r" not in plain
    coloured = run("--color", "always", article).output
    assert SGR.sub("", coloured).count("\x1b") == 0          # only the marks' own colours
    assert "\\x1b[2J" in coloured


def test_other_encodings_are_read_as_extract_reads_them(tmp_path, sample):
    text, figures = sample
    article = tmp_path / "utf16.txt"
    article.write_bytes(text.encode("utf-16"))
    marks = PLAIN_MARK.findall(run(article).output)
    assert [m[0] for m in marks] == [f.text for f in figures]


def test_standard_input():
    result = run("-", input="Toàn Đảng bộ kết nạp mới 171 đảng viên, đạt 100% kế hoạch.\n")
    assert result.exit_code == 0
    assert PLAIN_MARK.findall(result.output) == [("171 đảng viên", "count", "171"),
                                                 ("100% kế hoạch", "percent", "100%")]


def test_a_file_that_cannot_be_read_is_named_and_the_rest_shown(tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 40)
    result = run(tmp_path / "missing.txt", binary, SAMPLE)
    assert result.exit_code == 1
    assert f"vnstats: {tmp_path / 'missing.txt'}: no such file\n" in result.stderr
    assert f"vnstats: {binary}: binary data, not text\n" in result.stderr
    assert "Traceback" not in result.output
    assert f"==> {SAMPLE} <==  14 figures" in result.stdout
    assert "[[148 buổi đối thoại | count 148 buổi]]" in result.stdout


def test_usage_errors():
    assert run().exit_code == 2
    result = run("-", "-")
    assert result.exit_code == 2 and "standard input can be read only once" in result.output


# ------------------------------------------------------------ a real terminal


def _show_command() -> list[str]:
    """``vnstats show`` once the command is registered, its module until then."""
    from vnstats.cli import main
    if "show" in main.commands:
        return [sys.executable, "-m", "vnstats", "show"]
    return [sys.executable, "-m", "vnstats.show_cli"]


def missing(tool: str, install: str):
    """Skips a test that needs ``tool``, or fails it where the run requires the
    tool (``VNSTATS_TEST_REQUIRE``, which .ci/run sets): CI must not skip it."""
    message = f"{tool} is not installed ({install})"
    if tool in os.environ.get("VNSTATS_TEST_REQUIRE", "").split():
        pytest.fail(message + ", and VNSTATS_TEST_REQUIRE requires it")
    pytest.skip(message)


@pytest.fixture
def tmux():
    if shutil.which("tmux") is None:
        missing("tmux", "apt-get install tmux")
    socket = f"vnstats-test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, TERM=os.environ.get("TERM") or "xterm-256color")   # CI may have none

    def tmux(*args, check=True):
        return subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", *args], check=check,
                              capture_output=True, text=True, env=env).stdout
    yield tmux
    tmux("kill-server", check=False)


def test_the_terminal_shows_coloured_marks_with_values(tmux, sample):
    """What a user sees in a terminal 160 columns wide: the article with each
    figure underlined in its kind's colour, its value and unit beside it, and
    no plain marks."""
    text, figures = sample
    command = " ".join(_show_command() + ["--rules", str(SAMPLE)])
    env = f"env -u NO_COLOR TERM=xterm-256color PYTHONPATH={ROOT}"
    tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "show",
         f"cd {ROOT} && {env} {command}; echo '=== exit' $?; sleep 600")
    tmux("set-option", "-t", "show", "history-limit", "5000")
    screen, deadline = "", time.monotonic() + 120
    while "=== exit" not in screen and time.monotonic() < deadline:
        time.sleep(0.5)
        screen = tmux("capture-pane", "-p", "-J", "-e", "-S", "-", "-t", "show")
    assert "=== exit 0" in screen, screen[-2000:]
    seen = SGR.sub("", screen)
    assert "14 figures: count 10, percent 3, fraction 1" in seen
    assert "[[" not in seen
    for fig in figures:
        assert f"{fig.text}⟨{label(fig)} · {fig.rule}⟩" in seen.replace("\n", " ")
    # the colours reach the screen: a count underlined in cyan, a percent in magenta …
    # (tmux writes the attributes of a stretch as one or more sequences before it)
    styled = re.findall(r"((?:\x1b\[[0-9;]*m)+)([^\x1b]+)", screen)
    colour_of = {}
    for codes, chunk in styled:
        colour_of.setdefault(chunk.replace("\n", " "), set()).update(re.findall(r"\d+", codes))
    assert "36" in colour_of["148 buổi đối thoại"] and "4" in colour_of["148 buổi đối thoại"]
    assert "35" in colour_of["100% kế hoạch"] and "33" in colour_of["11/19 xã"]
    # and what is between the marks is the article's own text, in lines broken
    # between words (none longer than the terminal, so none cut by it)
    assert "Trong năm, thị xã đã tổ chức 148 buổi đối thoại" in seen.replace("\n", " ")
    plain = tmux("capture-pane", "-p", "-S", "-", "-t", "show").split("\n")
    assert max(len(line) for line in plain) <= 160
    article_lines = plain[plain.index(next(p for p in plain if p.startswith("Năm 2017"))):]
    assert all(not line or line.split(" ")[-1] for line in article_lines[:3])
    words = set(text.split())
    assert all(w in words or "⟨" in w or "⟩" in w for line in article_lines[:3] for w in line.split())


def test_a_repaired_file_is_shown_with_its_warning(tmp_path):
    article = tmp_path / "damaged.txt"
    article.write_bytes("Toàn Đảng bộ kết nạp mới 171 đảng viên, đạt 100% kế hoạch.\n".encode() * 20
                        + b"\xff broken\n")
    result = run(article)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"vnstats: {article}: warning: 1 invalid utf-8 sequence replaced")
    assert result.stdout.count("[[171 đảng viên | count 171]]") == 20


def test_wrap_breaks_between_words_and_counts_columns():
    line = "Trong năm, thị xã đã tổ chức \x1b[1;36;4m148 buổi đối thoại\x1b[0m với doanh nghiệp"
    wrapped = wrap(line, 24).split("\n")
    assert [SGR.sub("", w) for w in wrapped] == ["Trong năm, thị xã đã tổ", "chức 148 buổi đối thoại",
                                                 "với doanh nghiệp"]
    decomposed = unicodedata.normalize("NFD", "thị xã đã tổ chức hội nghị")
    assert wrap(decomposed, 21).split("\n")[0] == unicodedata.normalize("NFD", "thị xã đã tổ chức hội")
    assert wrap("北京 北京 北京 北京 北京", 20) == "北京 北京 北京 北京\n北京"
    assert wrap("a\n\nb", 30) == "a\n\nb"


def test_user_rules_are_shown_as_extract_uses_them(tmp_path):
    units = tmp_path / "units.yaml"
    units.write_text("dictionaries:\n  measure_unit:\n    dặm: mi\n", encoding="utf-8")
    article = tmp_path / "road.txt"
    article.write_text("Xe chạy 300 dặm.\n", encoding="utf-8")
    assert "[[300 dặm | quantity 300 mi]]" in run("--patterns", units, article).output
    assert "[[300 dặm | count 300]]" in run(article).output          # the built-in rules alone
